/** A form field: its label, the control, a hint, and its problem tied to the control for screen readers. */
import { useId, type ReactNode } from 'react';

/**
 * A labelled field with its problem (if any) said below it and tied to it for screen readers;
 * `after` comes last (notes about the value, such as a source address's canonical form).
 */
export function Field({
  label,
  problem,
  hint,
  children,
  after,
}: {
  label: string;
  problem?: string | undefined;
  hint?: string;
  children: (props: FieldProps) => ReactNode;
  after?: ReactNode;
}) {
  const id = useId();
  const describedBy = [problem ? `${id}-problem` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={problem ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {problem ? (
        <p className="field-problem" id={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
      {after}
    </div>
  );
}

export interface FieldProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}
