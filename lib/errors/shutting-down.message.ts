/** Said by every error and loss that the application's shutdown causes. */
export const SHUTTING_DOWN = 'the application is shutting down';
