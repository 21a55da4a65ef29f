// The project's own old engine module: declaring the class is not a use of it.
export class ExecutionEngine {}
