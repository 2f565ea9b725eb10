/** The finished page as it will be exported, in a sandboxed frame that runs no script. */
export function Preview({ html }: { html: string | null }) {
  return (
    <section className="preview" aria-label="Page preview">
      <h2>Preview</h2>
      {html !== null ? <iframe title="Page preview" sandbox="" srcDoc={html} /> : null}
    </section>
  );
}
