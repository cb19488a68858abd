/**
 * Glob-style matching exactly as Redis's stringmatchlen() (util.c, 7.0), used by KEYS, SCAN MATCH,
 * PSUBSCRIBE, CONFIG GET, ACL key/channel patterns and COMMAND LIST FILTERBY PATTERN.
 *
 * Both pattern and subject are binary strings (one char per byte). Rules:
 * - `*` any run of bytes (consecutive stars collapse), `?` exactly one byte;
 * - `[abc]` a set, `[^abc]` its complement, `[a-z]` a range (reversed ranges such as `[z-a]` are
 *   swapped), `\x` inside a set matches `x` literally; an unterminated set ends at the pattern end;
 * - `\x` outside a set matches `x` literally (a trailing lone `\` matches a `\`);
 * - `nocase` folds ASCII A–Z only (C locale `tolower`).
 * C quirks kept on purpose: range bounds and subject bytes are compared as *signed* chars (so bytes
 * 128–255 sort below 0), and an escaped byte inside a set is compared case-sensitively even with
 * `nocase`.
 *
 * Blow-up guard (as Redis): recursion deeper than 1000 nested `*` fails the match, and once the
 * rest of the pattern after a `*` fails to match at every later position, no earlier `*` retries
 * longer matches (`skipLonger`), which keeps patterns like `a*a*a*…b` linear instead of exponential.
 */

const STAR = 42; // *
const QUESTION = 63; // ?
const LBRACKET = 91; // [
const RBRACKET = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

/** Set when a `*` has tried every position without success; shared through one top-level call. */
let skipLonger = false;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as C's (signed) char. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** Does `str` match the glob `pattern`? Binary-safe; `nocase` folds ASCII letters. */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  skipLonger = false;
  return matchAt(pattern, 0, pattern.length, str, 0, str.length, nocase, 0);
}

function matchAt(
  p: string,
  pi: number,
  plen: number,
  s: string,
  si: number,
  slen: number,
  nocase: boolean,
  nesting: number,
): boolean {
  if (nesting > 1000) return false;
  while (plen > 0 && slen > 0) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case STAR: {
        while (plen > 0 && p.charCodeAt(pi + 1) === STAR) {
          pi++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen > 0) {
          if (matchAt(p, pi + 1, plen - 1, s, si, slen, nocase, nesting + 1)) return true;
          if (skipLonger) return false;
          si++;
          slen--;
        }
        // The rest of the pattern matches nowhere in the rest of the string: an earlier `*`
        // taking a longer match could only start the rest later, so it cannot help either.
        skipLonger = true;
        return false;
      }
      case QUESTION:
        si++;
        slen--;
        break;
      case LBRACKET: {
        pi++;
        plen--;
        const not = plen > 0 && p.charCodeAt(pi) === CARET;
        if (not) {
          pi++;
          plen--;
        }
        let match = false;
        const sc = s.charCodeAt(si);
        for (;;) {
          const c = plen > 0 ? p.charCodeAt(pi) : -1; // -1: past the end (C reads the NUL)
          if (c === BACKSLASH && plen >= 2) {
            pi++;
            plen--;
            if (p.charCodeAt(pi) === sc) match = true;
          } else if (c === RBRACKET) {
            break;
          } else if (plen === 0) {
            // Unterminated set: step back so the common advance below lands on the end.
            pi--;
            plen++;
            break;
          } else if (plen >= 3 && p.charCodeAt(pi + 1) === DASH) {
            let start = signed(c);
            let end = signed(p.charCodeAt(pi + 2));
            let ch = signed(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            plen -= 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(c) === lower(sc) : c === sc) {
            match = true;
          }
          pi++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        slen--;
        break;
      }
      default: {
        if (pc === BACKSLASH && plen >= 2) {
          pi++;
          plen--;
        }
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        si++;
        slen--;
        break;
      }
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (plen > 0 && p.charCodeAt(pi) === STAR) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

/** True when the pattern is exactly `*` (KEYS and SCAN skip matching then). */
export function isMatchAll(pattern: string): boolean {
  return pattern.length === 1 && pattern.charCodeAt(0) === STAR;
}
