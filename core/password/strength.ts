// Core side (runs anywhere: the window, the terminal client): the one password strength rule of every client.
// The private key is stored on the server sealed with a key stretched from the password, so anyone who
// copies the server's database can guess passwords offline at the cost of the KDF. A weak password is
// refused before anything is generated. The dictionaries are large, so they load only when a password
// needs checking (in the window, a code-split chunk).

export const MIN_SCORE = 3;

export interface Strength {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  score: 0 | 1 | 2 | 3 | 4;
  acceptable: boolean;
  /** A word for the meter, e.g. "Weak". */
  label: string;
  /** zxcvbn's warning and suggestions, as sentences. */
  hints: string[];
}

export type StrengthCheck = (password: string, userInputs?: string[]) => Strength;

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

let loading: Promise<StrengthCheck> | null = null;

export function loadStrengthCheck(): Promise<StrengthCheck> {
  loading ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return (password: string, userInputs: string[] = []): Strength => {
      const result = zxcvbn.check(password, userInputs);
      const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(
        (h): h is string => typeof h === 'string' && h.length > 0,
      );
      return { score: result.score, acceptable: result.score >= MIN_SCORE, label: LABELS[result.score], hints };
    };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

export const WEAK_PASSWORD_EXPLANATION =
  'Your private key is kept on the server, locked with this password. Anyone who copies the server’s ' +
  'database could try guesses offline, as fast as their computers allow, so the password must be hard to guess ' +
  `(strength ${MIN_SCORE} of 4 or more). A few unrelated words, or a longer phrase, work well.`;

/** Why a password is refused, in words (the terminal's one line): the verdict, zxcvbn's hints, and why it matters. */
export function weakPasswordReason(strength: Strength): string {
  const hints = strength.hints.map((h) => (/[.!?]$/.test(h) ? h : `${h}.`)).join(' ');
  return `This password is too weak (${strength.label.toLowerCase()}, strength ${strength.score} of 4).${hints ? ` ${hints}` : ''} ${WEAK_PASSWORD_EXPLANATION}`;
}
