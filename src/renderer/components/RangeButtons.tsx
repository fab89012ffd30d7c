import './RangeButtons.css';
/** A segmented group of toggle buttons (chart ranges). */
export function RangeButtons<R extends string>({
  ranges,
  value,
  onChange,
  label,
  labels,
}: {
  ranges: readonly R[];
  value: R;
  onChange: (range: R) => void;
  label: string;
  labels?: Partial<Record<R, string>>;
}) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{label}</legend>
      {ranges.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={r === value}
          className={r === value ? 'on' : undefined}
          onClick={() => onChange(r)}
        >
          {labels?.[r] ?? r}
        </button>
      ))}
    </fieldset>
  );
}
