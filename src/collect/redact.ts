/**
 * Secrets that must never reach a message, a log line or a snapshot: the access key secret and
 * every temporary secret and security token obtained from STS. Error texts from the SDK and the
 * server are passed through `redact` before they are stored or shown.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would blank out ordinary words; real secrets are long.
    if (!secret || secret.length < 6) return;
    this.secrets.add(secret);
    // Servers and SDK errors echo request parameters as sent: percent-encoded (a token's + / =).
    const encoded = encodeURIComponent(secret);
    this.secrets.add(encoded);
    this.secrets.add(encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
    this.secrets.add(Buffer.from(secret).toString('base64'));
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  }
}
