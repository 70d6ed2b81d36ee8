// ANSI colour, only when asked for (a terminal, no --no-color, no NO_COLOR).
export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function makeStyle(color: boolean): Style {
  return {
    green: wrap(color, "32"),
    red: wrap(color, "31"),
    yellow: wrap(color, "33"),
    cyan: wrap(color, "36"),
    bold: wrap(color, "1"),
    dim: wrap(color, "2"),
  };
}
