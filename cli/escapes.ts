/** kcat's backslash escapes in format strings: `\n`, `\r`, `\t`, `\0` and `\\` (the shell passes them literally). */
export function unescapeFormat(s: string): string {
  return s.replace(/\\([nrt0\\])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t", "0": "\0", "\\": "\\" })[c]!);
}
