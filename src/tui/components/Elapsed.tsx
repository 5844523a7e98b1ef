import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { formatElapsed } from '../layout.js';

/** Time since `since`, ticking once a second; only this text re-renders. */
export function Elapsed({ since, now = Date.now }: { since: number; now?: () => number }) {
  const [at, setAt] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setAt(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  return <Text>{formatElapsed(at - since)}</Text>;
}
