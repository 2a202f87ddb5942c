/**
 * Expenses and involvement payments (issue 8): the rates, settings and cost centres an admin keeps,
 * and the money rules every payments feature shares — pricing a line at the rate in force on the
 * activity's date, the append-only ledger, the tax year. claims/ and finance/ use these through
 * this file.
 */
export { formatPence, parsePounds, penceAsPounds } from './money.ts';
export { priceExpense, priceTime, type Priced } from './pricing.ts';
export { balanceOf, lineBalance, postOwed, postPaid, postReversal, type Payment } from './ledger.ts';
export { taxYear, taxYearOf, type TaxYear } from './tax-year.ts';
export { expenseRateOn, paymentSettings, timeRateOn } from './queries.ts';
export { taxLevel, taxYearStatus, type TaxLevel, type TaxYearStatus } from './tax-status.ts';
