// What a job is in the pipeline: its number in the first word of a block, a payload derived from
// that number, and a checksum that the hash stage writes in the second word and the verify stage
// checks. Shared by the parent (which writes jobs) and the stages (which work on them).

const PAYLOAD_AT = 8;

/**
 * Writes job `job` into `bytes` (a whole block): its number, an empty checksum, its payload.
 * @param {Uint8Array} bytes
 * @param {number} job
 */
export function writeJob(bytes, job) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(0, job, true);
  view.setUint32(4, 0, true);
  for (let i = PAYLOAD_AT; i < bytes.length; i++) bytes[i] = (job + i) & 0xff;
}

/**
 * FNV-1a over the payload.
 * @param {Uint8Array} bytes
 * @returns {number}
 */
export function checksum(bytes) {
  let hash = 0x811c9dc5;
  for (const byte of bytes.subarray(PAYLOAD_AT)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/**
 * The hash stage's work: the checksum into the second word.
 * @param {Uint8Array} bytes
 */
export function sealJob(bytes) {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(4, checksum(bytes), true);
}

/**
 * The verify stage's check: the block holds job `job`, sealed, with its payload intact.
 * @param {Uint8Array} bytes
 * @param {number} job
 * @returns {boolean}
 */
export function isSealedJob(bytes, job) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== job || view.getUint32(4, true) !== checksum(bytes)) return false;
  for (let i = PAYLOAD_AT; i < bytes.length; i++) if (bytes[i] !== ((job + i) & 0xff)) return false;
  return true;
}
