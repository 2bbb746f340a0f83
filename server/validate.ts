/** Route input validation through the shared valibot schemas: 400 `{ error }` with every problem. */
import { validator } from 'hono/validator'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import { formatIssues } from '../shared/validation'

/** Validates the JSON body against a shared schema. */
export function jsonBody<S extends v.GenericSchema>(schema: S) {
  return validator('json', (value): v.InferOutput<S> => {
    const result = v.safeParse(schema, value)
    if (!result.success) {
      throw new HTTPException(400, { message: formatIssues(result.issues).join('; ') })
    }
    return result.output
  })
}
