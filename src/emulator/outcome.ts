import type { FaultKind } from './types.js';

/** How the server answers one request, whichever cloud's API it speaks. */
export interface Outcome {
  status: number;
  requestId?: string;
  body: string;
  headers: Record<string, string>;
  code?: string;
  fault?: FaultKind;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Never answer (the client has to time out). */
  hang?: boolean;
}

export const GATEWAY_HTML = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n';
