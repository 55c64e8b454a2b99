import { expect } from 'chai';
import { boundFor, periodsBelow, readDrill, yearOf } from '../../src/admin/date-hierarchy';
import type { AdminField } from '../../src/admin/model-info';

const field = (kind: 'date' | 'datetime') => ({ name: 'day', label: 'Day', kind }) as AdminField;
const drill = (query: string) => readDrill((key) => new URLSearchParams(query).get(key) ?? undefined, field('date'));

describe('the admin date hierarchy', () => {
  it('takes a leap day and refuses the day after February in other years', () => {
    expect(drill('day__year=2024&day__month=2&day__day=29')).to.deep.equal({ year: 2024, month: 2, day: 29 });
    expect(drill('day__year=2025&day__month=2&day__day=29')).to.equal('2025-2-29 is not a date.');
    expect(drill('day__year=0')).to.equal('day__year takes a number from 1 to 9999.');
    expect(drill('day__year=%202025')).to.equal('day__year takes a number from 1 to 9999.');
  });

  it('offers each day of the chosen month and the latest hundred years at most', () => {
    const february = periodsBelow({ year: 2024, month: 2 });
    expect(february.map((period) => period.label).slice(-2)).to.deep.equal(['February 28', 'February 29']);
    expect(february[28].end.toISOString()).to.equal('2024-03-01T00:00:00.000Z');
    const years = periodsBelow({}, 1800, 2026);
    expect(years).to.have.length(100);
    expect(years[0].label).to.equal('1927');
    expect(periodsBelow({ year: 2024, month: 2, day: 3 })).to.deep.equal([]);
  });

  it('compares a date column with ISO days and a datetime column with instants', () => {
    const start = new Date(Date.UTC(2025, 10, 1));
    expect(boundFor(field('date'), start)).to.equal('2025-11-01');
    expect(boundFor(field('datetime'), start)).to.equal(start);
    expect(yearOf(field('datetime'), '2025-11-01 12:00:00.000')).to.equal(2025); // SQLite's text
    expect(yearOf(field('date'), new Date(2025, 0, 1))).to.equal(2025); // a driver's local midnight
    expect(yearOf(field('datetime'), null)).to.equal(undefined);
  });
});
