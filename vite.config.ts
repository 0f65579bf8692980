import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Builds the renderer only. The Electron shell loads dist/renderer/index.html from file://
// and the headless agent serves the same folder at `/`, so every asset URL must be
// relative (base './'). The dev server is not used by the app.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Chromium (Electron and the owner's browser) supports modulepreload natively.
    modulePreload: { polyfill: false },
    // One bundle loaded from local disk or 127.0.0.1 (React, recharts, zod): size is not
    // a download concern here, so the 500 kB web warning is raised rather than split.
    chunkSizeWarningLimit: 1500,
  },
});
