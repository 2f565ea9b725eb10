/** Seconds since a long task began, so an editor can see it is still going. */
import { useEffect, useState } from 'react';

export function Elapsed() {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, []);
  return seconds < 2 ? null : <span className="elapsed">{seconds} s</span>;
}
