/** A statement for the DBA to run themselves: shown and selectable, never run by Tidemark. */
export function FixSql({ sql }: { sql: string }) {
  return (
    <code className="mono fix-sql" title="Shown for you to run; Tidemark never runs it">
      {sql}
    </code>
  );
}
