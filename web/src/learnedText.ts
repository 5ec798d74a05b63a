/**
 * The learned detector's state as the live page shows it among the loop figures (issue 17 part
 * 2), from the stream's `status.learned` (src/web/liveMessages.ts): its training progress under
 * `--learn-first`, then its score against its threshold, as the terminal dashboard says it.
 */
import type { LiveLearned } from "../../src/web/liveMessages.js";

/** `learning 12/60 s`, `0.42 of 1 (threshold)`, `ALARM 1.85 of 1`, `off: <reason>`. */
export function learnedText(l: LiveLearned): string {
  switch (l.state) {
    case "learning":
      return `learning ${Math.floor(l.learned_s)}/${Math.round(l.span_s)} s`;
    case "scoring": {
      const score = l.score === null ? "--" : l.score.toFixed(2);
      return l.alarm ? `ALARM ${score} of 1` : `${score} of 1 (threshold)`;
    }
    case "failed":
      return `off: ${l.reason}`;
  }
}

/** The Residuals panel's read-out: `learning 12/60 s`, `learned 0.42/1`, `learned off`. */
export function learnedReadout(l: LiveLearned): string {
  switch (l.state) {
    case "learning":
      return learnedText(l);
    case "scoring":
      return `learned ${l.score === null ? "--" : l.score.toFixed(2)}/1`;
    case "failed":
      return "learned off";
  }
}
