import cassandra from 'cassandra-driver';
import { createIdGenerator } from '@chirp/kernel/ids';
import { describe, expect, it } from 'vitest';
import { idOf } from '../../src/infrastructure/cassandra-rows.ts';

describe('idOf', () => {
  it("when a bigint column is decoded, then its decimal string is the driver's own, sign and low half's top bit included", () => {
    const ids = createIdGenerator({ workerId: 7 });
    const values = [
      '0',
      '1',
      '2147483647', // low half's top bit clear
      '2147483648', // and set: read as negative unless taken unsigned
      '4294967295',
      '4294967296',
      '9007199254740993', // past a double's exact integers
      '9223372036854775807',
      '-1',
      '-4294967296',
      '-9223372036854775808',
      ...Array.from({ length: 100 }, () => ids.next()),
    ];
    expect(values.map((value) => idOf(cassandra.types.Long.fromString(value)))).toEqual(values);
  });
});
