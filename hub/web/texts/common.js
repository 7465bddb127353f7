// Texts every console page shares: the login form, Log out and the language button. Each
// page's own texts are in texts/<page set>.js; common.js merges them (the page's win).
export default {
  da: { logout: "Log ud", login: "Log ind", username: "Brugernavn", password: "Adgangskode", login_button: "Log ind",
        wrong: "Forkert brugernavn eller adgangskode.", limited: "For mange forsøg. Vent et par minutter.",
        busy: "Systemet har travlt. Prøv igen om et øjeblik.", lang_button: "English" },
  en: { logout: "Log out", login: "Log in", username: "User name", password: "Password", login_button: "Log in",
        wrong: "Wrong user name or password.", limited: "Too many attempts. Wait a few minutes.",
        busy: "The system is busy. Try again in a moment.", lang_button: "Dansk" },
};
