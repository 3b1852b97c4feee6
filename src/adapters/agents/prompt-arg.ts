// How a prompt reaches an agent's argv: inline when it fits, else a pointer to the prompt file
// (Linux refuses a single argv element over 128 KiB with E2BIG).

/** Prompts larger than this (UTF-8 bytes) are handed over through the prompt file instead of argv. */
export const MAX_INLINE_PROMPT_BYTES = 100_000;

/** The prompt text to put in argv: the prompt itself, or a short pointer to the file holding it. */
export function promptArgument(prompt: string, promptFile: string | undefined): string {
  if (promptFile === undefined || Buffer.byteLength(prompt, "utf8") <= MAX_INLINE_PROMPT_BYTES) return prompt;
  const first = prompt.split("\n", 1)[0] ?? "";
  const head = first.length <= 200 ? `${first}\n\n` : "";
  return `${head}The full task is in the file ${promptFile}. Read that file first, then do what it says.`;
}
