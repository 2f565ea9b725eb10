/** Errors as short messages at the top of the window, each with a button that dismisses it. */
import { dismissNotice, useNotices } from './notices';

export function Notices() {
  const notices = useNotices((state) => state.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="alert">
      {notices.map((notice) => (
        <div className="notice" key={notice.id}>
          <p>{notice.message}</p>
          <button type="button" onClick={() => dismissNotice(notice.id)} aria-label="Dismiss this message">
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
