/**
 * A forecast or prediction request the model cannot answer as asked: an unknown series or group,
 * a date off the grid or beyond the horizon, an unknown feature, a bad horizon. It is a
 * RangeError (the models' contract for a bad value) that also says where: the request row
 * (`predictRows`; null for a single request) and the field, so a caller can report it to the
 * user without parsing the message.
 */
export class ForecastInputError extends RangeError {
  /**
   * @param row index of the request row (`predictRows`), null for a single request
   * @param field the request field at fault: `series`, `key`, `date`, `horizon`, `features.<name>`
   */
  constructor(
    message: string,
    readonly row: number | null,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ForecastInputError';
  }
}
