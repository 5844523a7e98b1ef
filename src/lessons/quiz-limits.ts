/** Choices are answered by letter (a, b, c…): at most six, so one screen shows them all. */
export const QUIZ_MAX_CHOICES = 6;
