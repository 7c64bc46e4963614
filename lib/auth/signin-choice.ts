/**
 * The second step of signing in, when one email and password open accounts in several
 * organisations: the server answers with the organisations whose password matched (and only
 * those, so it tells nothing to someone without the password), and the form asks which one.
 * next-auth carries a refusal to the browser as one string, so the list travels encoded in it.
 * No server imports: the sign-in form uses this too.
 */

/** The organisation id of a platform admin account (tenant ids are lower-case letters, digits and dashes, so it is never one). */
export const PLATFORM_ORGANISATION = '~platform';

export interface OrganisationChoice {
  /** A tenant id, or PLATFORM_ORGANISATION. */
  id: string;
  name: string;
}

const PREFIX = 'choose-organisation:';

export function encodeOrganisationChoice(choices: readonly OrganisationChoice[]): string {
  return PREFIX + JSON.stringify(choices.map(({ id, name }) => ({ id, name })));
}

/** The organisations to choose from when a sign-in error is such a choice, else undefined. */
export function decodeOrganisationChoice(error: string | null | undefined): OrganisationChoice[] | undefined {
  if (!error?.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(error.slice(PREFIX.length));
    if (!Array.isArray(parsed)) return undefined;
    const choices = parsed.filter(
      (c): c is OrganisationChoice => typeof c === 'object' && c !== null && typeof (c as OrganisationChoice).id === 'string' && typeof (c as OrganisationChoice).name === 'string',
    );
    return choices.length > 1 ? choices : undefined;
  } catch {
    return undefined;
  }
}
