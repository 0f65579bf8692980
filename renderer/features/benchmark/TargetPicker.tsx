import type { GpuInfo } from '../../../shared/domain/gpu';

interface Props {
  value: string;
  gpus: GpuInfo[];
  disabled: boolean;
  onChange: (value: string) => void;
}

export function TargetPicker({ value, gpus, disabled, onChange }: Props) {
  return (
    <label className="field">
      <span className="field-label">What to benchmark</span>
      <select
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        data-testid="benchmark-target"
      >
        <option value="auto">Automatic (first NVIDIA GPU, else CPU)</option>
        <option value="cpu">CPU only</option>
        {gpus.map((gpu) => (
          <option key={gpu.uuid} value={`gpu:${gpu.uuid}`}>
            GPU {gpu.index}: {gpu.name}
          </option>
        ))}
      </select>
    </label>
  );
}
