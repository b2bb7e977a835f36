/**
 * `${{ … }}` in a workflow, evaluated with GitHub's own expression evaluator (@actions/expressions)
 * against local stand-ins for the contexts: secrets, vars, env and github.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { WorkflowError } from './workflow-error.ts';

export type Contexts = Record<'secrets' | 'vars' | 'env' | 'github', Record<string, string>>;

function dictionary(values: Record<string, string>): data.Dictionary {
  return new data.Dictionary(
    ...Object.entries(values).map(([key, value]) => ({ key, value: new data.StringData(value) })),
  );
}

export function evaluateExpression(expression: string, contexts: Contexts): string {
  const lexed = new Lexer(expression).lex();
  const ast = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const context = new data.Dictionary(
    ...Object.entries(contexts).map(([key, values]) => ({ key, value: dictionary(values) })),
  );
  return new Evaluator(ast, context).evaluate().coerceString();
}

/** Replaces every `${{ … }}` in `text`. */
export function expandTemplate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    try {
      return evaluateExpression(expression.trim(), contexts);
    } catch (error) {
      throw new WorkflowError(`Can't evaluate \${{ ${expression.trim()} }} locally: ${(error as Error).message}`);
    }
  });
}
