import type { ExpenseCategory, ExpenseRate, RateBasis, TimeRate } from '../../platform/db/types.ts';
import { mulDivRound } from './money.ts';

/**
 * What a claim line is worth, from the rate in force on the activity's date. Pure, so the money
 * rules are tested without a database. A time line's quantity is minutes (hourly) or days; a
 * mileage line's is tenths of a mile; any other expense is the amount on the receipt.
 */
export type Priced = { amountPence: number } | { problem: 'noRate' | 'overLimit'; limitPence?: number };

export function priceTime(basis: RateBasis, quantity: number, rate: TimeRate | undefined): Priced {
  if (!rate) return { problem: 'noRate' };
  return { amountPence: basis === 'hour' ? mulDivRound(rate.amount_pence, quantity, 60) : rate.amount_pence * quantity };
}

export function priceExpense(category: ExpenseCategory, quantity: number, receiptPence: number | null, rate: ExpenseRate | undefined): Priced {
  if (category === 'mileage') {
    if (!rate?.pence_per_mile) return { problem: 'noRate' };
    const amountPence = mulDivRound(rate.pence_per_mile, quantity, 10);
    return withinLimit(amountPence, rate);
  }
  return withinLimit(receiptPence ?? 0, rate);
}

function withinLimit(amountPence: number, rate: ExpenseRate | undefined): Priced {
  if (rate?.limit_pence != null && amountPence > rate.limit_pence) return { problem: 'overLimit', limitPence: rate.limit_pence };
  return { amountPence };
}
