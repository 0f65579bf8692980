import { type DemoRequester, type DemoRequesterOptions, startDemoRequester } from '../../electron/agent/requester/demo-requester';
import type { TestDevnet } from './devnet';
import { recordingLogger } from './silent-logger';

/** The devnet's demo requester on a test devnet, posting CPU jobs of a fixed image, driven by the test (no loop). */
export function startTestDemoRequester(devnet: TestDevnet, cpuImage: string, overrides: Partial<DemoRequesterOptions> = {}): Promise<DemoRequester> {
  return startDemoRequester({
    rpcUrl: devnet.rpcUrl,
    chainId: devnet.chainId,
    marketAddress: devnet.marketAddress,
    logger: recordingLogger().logger,
    imagesDir: '/nonexistent',
    docker: null,
    gpuAvailable: false,
    images: { cpu: cpuImage, gpu: null },
    autoRun: false,
    ...overrides,
  });
}
