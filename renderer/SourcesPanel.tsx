/** Being written: see issue 6. */
export function SourcesPanel(_props: { readOnly: boolean }) {
  return null;
}
