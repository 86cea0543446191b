// Exercise 1: format(100) into a fresh ByteBuffer, and into one from a Pool (reset before put).
import { bench, sink } from 'syncpool-bench';
import { Pool } from 'syncpool';
import { ByteBuffer } from '../lib/byte-buffer.js';
import { format, formatPooled } from '../lib/format.js';

const buffers = new Pool<ByteBuffer>({ new: () => new ByteBuffer() });

bench('FormatNoPool', (b) => {
  for (let i = 0; i < b.N; i++) sink(format(100));
});

bench('FormatPool', (b) => {
  for (let i = 0; i < b.N; i++) sink(formatPooled(buffers, 100));
});
