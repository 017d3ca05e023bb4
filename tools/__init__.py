"""Developer tools that are not part of the app: the bench, the Sheets emulator, AppTest setup."""
