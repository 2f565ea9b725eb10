/**
 * Messages at the top of the window, each with a button that dismisses it: errors are announced
 * at once (role="alert"), news politely (role="status").
 */
import { dismissNotice, useNotices, type Notice } from './notices';

export function Notices() {
  const notices = useNotices((state) => state.notices);
  const errors = notices.filter((notice) => notice.tone === 'error');
  const news = notices.filter((notice) => notice.tone === 'news');
  return (
    <div className="notices">
      <div role="alert">{errors.map((notice) => <NoticeItem key={notice.id} notice={notice} />)}</div>
      <div role="status">{news.map((notice) => <NoticeItem key={notice.id} notice={notice} />)}</div>
    </div>
  );
}

function NoticeItem({ notice }: { notice: Notice }) {
  return (
    <div className={`notice notice-${notice.tone}`}>
      <p>{notice.message}</p>
      <button type="button" onClick={() => dismissNotice(notice.id)} aria-label="Dismiss this message">
        Dismiss
      </button>
    </div>
  );
}
