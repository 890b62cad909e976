import { describe, expect, it } from 'vitest';
import { orderOf } from '../database-order';

describe('orderOf: how the database orders a sort, as the subscribe acknowledgement says', () => {
  it('SQLite: binary text, NULL first; MySQL: a linguistic collation, NULL first', () => {
    expect(orderOf('sqlite')).toEqual({ text: 'binary', nulls: 'first' });
    expect(orderOf('mysql')).toEqual({ text: 'collation', nulls: 'first' });
  });

  it('PostgreSQL: NULL last; binary only under a C or POSIX libc collation or the builtin C locales', () => {
    for (const datcollate of ['C', 'POSIX', 'C.UTF-8', 'C.utf8']) {
      expect(orderOf('postgres', { datcollate, datlocprovider: 'c' })).toEqual({ text: 'binary', nulls: 'last' });
    }
    expect(orderOf('postgres', { datcollate: 'C' })).toEqual({ text: 'binary', nulls: 'last' }); // before 15: libc
    expect(orderOf('postgres', { datcollate: 'en_US.UTF-8', datlocprovider: 'c' }).text).toBe('collation');
    expect(orderOf('postgres', { datlocprovider: 'b', datlocale: 'C.UTF-8', datcollate: 'C.UTF-8' }).text).toBe('binary');
  });

  it('PostgreSQL with ICU is linguistic even when its libc locale is C, and an unread catalog is not trusted', () => {
    expect(orderOf('postgres', { datcollate: 'C.UTF-8', datlocprovider: 'i', daticulocale: 'en-US' })).toEqual({ text: 'collation', nulls: 'last' });
    expect(orderOf('postgres', { datlocprovider: 'i', datlocale: 'und' }).text).toBe('collation');
    expect(orderOf('postgres').text).toBe('collation');
  });
});
