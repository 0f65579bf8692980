/** A legend whose colours come from the stylesheet (recharts' own legend copies SVG fills, which CSS sets here). */
export function ChartLegend({ items }: { items: { key: string; label: string }[] }) {
  return (
    <span className="legend earnings-legend">
      {items.map((item) => (
        <span key={item.key}>
          <span className={`swatch swatch-${item.key}`} aria-hidden="true" /> {item.label}
        </span>
      ))}
    </span>
  );
}
