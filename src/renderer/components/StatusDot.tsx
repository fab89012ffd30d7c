import './StatusDot.css';
import type { StatusState } from '../stores/profiles';

const labels: Record<StatusState, string> = {
  unknown: 'not checked yet',
  up: 'reachable',
  down: 'unreachable',
};

export function StatusDot({ state, detail }: { state: StatusState; detail?: string | undefined }) {
  const text = detail ? `${labels[state]}: ${detail}` : labels[state];
  return (
    <span
      className={`status-dot status-${state}`}
      role="img"
      aria-label={`Status: ${text}`}
      title={text}
      data-testid="status-dot"
      data-state={state}
    />
  );
}
