import { hrefOf } from '../lib/router';

export function NotFoundPage({ message }: { message?: string }) {
  return (
    <section className="empty-state small" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Nothing here
      </h1>
      <p>{message ?? 'This page does not exist in this version of Tidemark.'}</p>
      <a className="button" href={hrefOf('/')}>
        Back to the servers
      </a>
    </section>
  );
}
