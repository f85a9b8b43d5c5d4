// Dutch by default, English on request; the choice is kept in
// localStorage. Texts are plain language (B1): short sentences, common
// words, "u" in Dutch.
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'nl' | 'en';

const nl = {
  'app.name': 'dichtbij',
  'app.tagline': 'Hulp uit de buurt',
  'skip': 'Naar de inhoud',
  'lang.switch': 'English',
  'lang.switch.label': 'Switch to English',
  'nav.label': 'Hoofdmenu',
  'nav.signin': 'Inloggen',
  'nav.signup': 'Account maken',
  'nav.signout': 'Uitloggen',
  'nav.offer': 'Mijn hulpaanbod',
  'nav.referrals': 'Hulpvragen voor mij',
  'nav.mydata': 'Mijn gegevens',
  'nav.home': 'Start',
  'nav.requests': 'Hulpvragen',
  'nav.newrequest': 'Nieuwe hulpvraag',
  'nav.followups': 'Nabellen',
  'nav.nearby': 'Hulp dichtbij zoeken',
  'nav.options': 'Mijn aanbod',
  'nav.optionrefs': 'Aanmeldingen',
  'nav.dashboard': 'Cijfers',
  'nav.settings': 'Instellingen',
  'home.coordinator.dashboard': 'De cijfers van uw gemeente zien: op de kaart, in grafieken en tabellen, en als rapport om af te drukken.',
  'home.coordinator.settings': 'Instellen binnen hoeveel dagen er eerste contact moet zijn, en met welke prijzen het dashboard de vermeden kosten uitrekent.',
  'home.worker.requests': 'De hulpvragen van uw team bekijken, zoeken en verwijzen.',
  'home.worker.new': 'Samen met een bewoner een hulpvraag vastleggen.',
  'home.worker.followups': 'Zien wie u moet nabellen na de start van hulp.',
  'home.worker.nearby': 'Hulp zoeken bij een postcode, zonder hulpvraag.',
  'home.organiser.options': 'Uw initiatief, voorziening en activiteiten plaatsen en aanpassen.',
  'home.organiser.referrals': 'Zien wie er is verwezen, per keer, en ja of nee zeggen.',
  'loading': 'Bezig met laden…',
  'saving': 'Bezig met opslaan…',
  'error.network': 'Er is geen verbinding met dichtbij. Probeer het later opnieuw.',
  'error.server': 'Er ging iets mis bij dichtbij. Probeer het later opnieuw.',
  'error.summary': 'Er is iets niet goed ingevuld',
  'error.summary.one': 'Kijk naar dit punt:',
  'error.forbidden': 'U mag dit niet doen met dit account.',
  'error.notfound': 'Deze pagina bestaat niet.',
  'error.locked': 'Te veel pogingen. Wacht {min} minuten en probeer het opnieuw.',
  'error.ratelimited': 'Te veel pogingen. Wacht een minuut en probeer het opnieuw.',
  'error.conflict': 'Iemand anders heeft dit net veranderd. Laad de pagina opnieuw.',
  'reason.required': 'Vul dit in.',
  'reason.taken': 'Er is al een account met dit e-mailadres.',
  'reason.wrongpassword': 'Het e-mailadres of wachtwoord klopt niet.',
  'reason.password': 'Kies een wachtwoord van 10 tot 128 tekens.',
  'reason.email': 'Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.',
  'reason.outside': 'Deze plek ligt buiten uw gemeente of buiten Nederland.',
  'reason.token': 'Deze link werkt niet meer. Vraag een nieuwe link aan.',
  'reason.min1': 'Kies er minstens één.',
  'reason.number': 'Vul een getal in tussen {min} en {max}.',

  'home.title': 'Welkom bij dichtbij',
  'home.intro': 'Met dichtbij helpen buren elkaar. U kunt hier hulp aanbieden aan mensen in uw buurt. Het sociaal team van uw gemeente zoekt zo samen met bewoners hulp die dichtbij is.',
  'home.signin': 'Heeft u al een account? Log dan in.',
  'home.signup': 'Nog geen account? Maak er een.',
  'home.hello': 'Hallo {name}',
  'home.resident': 'Wat wilt u doen?',
  'home.resident.offer': 'Zeggen welke hulp u wilt geven, waar en wanneer.',
  'home.resident.referrals': 'Kijken of iemand uw hulp nodig heeft.',
  'home.resident.mydata': 'Uw gegevens downloaden of wissen.',
  'home.other': 'Dit deel van het portaal voor uw rol ({role}) is nog niet klaar. U kunt de API gebruiken.',
  'role.resident': 'bewoner',
  'role.organiser': 'organisator',
  'role.social_worker': 'sociaal werker',
  'role.coordinator': 'coördinator',
  'role.admin': 'beheerder',

  'signin.title': 'Inloggen',
  'signin.email': 'E-mailadres',
  'signin.password': 'Wachtwoord',
  'signin.submit': 'Inloggen',
  'signin.forgot': 'Wachtwoord vergeten?',
  'signin.noaccount': 'Nog geen account?',
  'signin.done': 'U bent ingelogd.',
  'signout.done': 'U bent uitgelogd.',

  'signup.title': 'Account maken',
  'signup.intro': 'Met een account kunt u hulp aanbieden in uw buurt, of als organisatie uw activiteiten laten zien.',
  'signup.name': 'Uw naam',
  'signup.name.hint': 'Uw voornaam is genoeg.',
  'signup.email': 'E-mailadres',
  'signup.password': 'Wachtwoord',
  'signup.password.hint': 'Minstens 10 tekens. Een zin van een paar woorden is makkelijk te onthouden.',
  'signup.municipality': 'Uw gemeente',
  'signup.municipality.choose': 'Kies uw gemeente',
  'signup.role': 'Ik ben',
  'signup.role.resident': 'een bewoner die hulp wil aanbieden',
  'signup.role.organiser': 'een organisatie, initiatief of buurthuis',
  'signup.submit': 'Account maken',
  'signup.done': 'Uw account is gemaakt. U bent nu ingelogd.',

  'forgot.title': 'Wachtwoord vergeten',
  'forgot.intro': 'Vul uw e-mailadres in. U krijgt dan een e-mail met een link. Met die link kiest u een nieuw wachtwoord.',
  'forgot.email': 'E-mailadres',
  'forgot.submit': 'Stuur mij een link',
  'forgot.done': 'Als er een account is met dit e-mailadres, krijgt u binnen een paar minuten een e-mail. De link werkt één uur.',

  'reset.title': 'Nieuw wachtwoord kiezen',
  'reset.password': 'Nieuw wachtwoord',
  'reset.password.hint': 'Minstens 10 tekens.',
  'reset.submit': 'Wachtwoord opslaan',
  'reset.done': 'Uw nieuwe wachtwoord is opgeslagen. U kunt nu inloggen.',
  'reset.notoken': 'Deze link is niet compleet. Vraag een nieuwe link aan.',

  'offer.title': 'Mijn hulpaanbod',
  'offer.intro': 'Vertel welke hulp u wilt geven. Uw precieze adres bewaren we niet: alleen een plek in de buurt, op ongeveer 250 meter.',
  'offer.new': 'U biedt nog geen hulp aan. Vul het formulier in en klik op Opslaan.',
  'offer.name': 'Naam die anderen zien',
  'offer.name.hint': 'Bijvoorbeeld uw voornaam.',
  'offer.helptypes': 'Met welke hulp wilt u helpen?',
  'offer.where': 'Waar woont u?',
  'offer.postcode': 'Postcode (4 cijfers)',
  'offer.postcode.hint': 'Of klik op de kaart, dicht bij uw huis.',
  'offer.postcode.find': 'Zoek postcode',
  'offer.postcode.found': 'Gevonden: {city}. De plek staat op de kaart.',
  'offer.postcode.notfound': 'Deze postcode kennen we niet. Klik op de kaart.',
  'offer.postcode.invalid': 'Vul 4 cijfers in, bijvoorbeeld 3511.',
  'offer.location.set': 'Uw plek is gekozen.',
  'offer.location.none': 'Er is nog geen plek gekozen.',
  'offer.location.area': 'Buurt: {area}',
  'offer.map': 'Kaart van uw gemeente. Klik om uw plek te kiezen. De cirkel laat zien hoe ver u wilt reizen.',
  'offer.distance': 'Hoe ver wilt u reizen?',
  'offer.when': 'Wanneer kunt u helpen?',
  'offer.when.hint': 'Kies de dagdelen waarop u meestal kunt.',
  'offer.when.other': 'Andere tijden',
  'offer.when.keep': 'Bewaar {day} {start}–{end}',
  'part.morning': 'Ochtend',
  'part.afternoon': 'Middag',
  'part.evening': 'Avond',
  'offer.languages': 'Welke talen spreekt u?',
  'offer.capacity': 'Hoeveel mensen wilt u tegelijk helpen?',
  'offer.save': 'Opslaan',
  'offer.saved': 'Uw hulpaanbod is opgeslagen.',
  'offer.status.active': 'Uw hulpaanbod staat aan. Het sociaal team kan u vragen om te helpen.',
  'offer.status.paused': 'Uw hulpaanbod staat op pauze. Niemand vraagt u nu om hulp.',
  'offer.pause': 'Pauze nemen',
  'offer.resume': 'Weer beschikbaar zijn',
  'offer.paused.done': 'Uw hulpaanbod staat nu op pauze.',
  'offer.resumed.done': 'Uw hulpaanbod staat weer aan.',

  'refs.title': 'Hulpvragen voor mij',
  'refs.intro': 'Hier ziet u wie uw hulp zou kunnen gebruiken. U ziet alleen wat u nodig heeft om te kiezen. De naam ziet u pas als u ja zegt.',
  'refs.none': 'Er zijn nu geen hulpvragen voor u.',
  'refs.need': 'Hulp bij',
  'refs.where': 'Buurt',
  'refs.when': 'Wanneer',
  'refs.when.any': 'Geen vaste tijden',
  'refs.state': 'Stand',
  'refs.resident': 'Naam',
  'refs.date': 'Gevraagd op',
  'refs.accept': 'Ja, ik help',
  'refs.decline': 'Nee, ik kan niet',
  'refs.decline.reason': 'Waarom kunt u niet helpen?',
  'refs.decline.hint': 'Een korte zin is genoeg, bijvoorbeeld: ik heb op die dagen geen tijd.',
  'refs.decline.submit': 'Nee zeggen',
  'refs.cancel': 'Terug',
  'refs.accepted.done': 'Dank u wel! U heeft ja gezegd. Het sociaal team neemt contact met u op.',
  'refs.declined.done': 'U heeft nee gezegd. Dank u voor uw antwoord.',
  'state.proposed': 'Wacht op uw antwoord',
  'state.accepted': 'U heeft ja gezegd',
  'state.declined': 'U heeft nee gezegd',
  'state.expired': 'Verlopen',
  'state.waitlisted': 'Op de wachtlijst',
  'state.started': 'Hulp is begonnen',
  'state.completed': 'Afgerond',
  'state.ended': 'Gestopt',

  'mydata.title': 'Mijn gegevens',
  'mydata.intro': 'Dit weet dichtbij van u. U kunt alles downloaden, of alles laten wissen.',
  'mydata.account': 'Uw account',
  'mydata.name': 'Naam',
  'mydata.email': 'E-mailadres',
  'mydata.municipality': 'Gemeente',
  'mydata.download': 'Download mijn gegevens',
  'mydata.download.hint': 'U krijgt een bestand (JSON) met alles wat dichtbij van u bewaart.',
  'mydata.erase': 'Mijn gegevens wissen',
  'mydata.erase.hint': 'Uw account en uw hulpaanbod worden gewist. Hulpvragen die nog lopen, stoppen. Dit kunt u niet terugdraaien.',
  'mydata.erase.confirm': 'Ja, ik wil mijn account en al mijn gegevens wissen',
  'mydata.erase.submit': 'Wis alles',
  'mydata.password': 'Uw wachtwoord',
  'mydata.password.hint': 'Zo weten we zeker dat u het zelf bent.',
  'mydata.erase.needconfirm': 'Zet eerst een vinkje als u zeker weet dat u alles wilt wissen.',
  'mydata.erased': 'Uw account en gegevens zijn gewist.',
  'mydata.unavailable': 'Dit kan nog niet: deze functie is nog niet klaar in dichtbij.',

  'notfound.title': 'Pagina niet gevonden',
  'notfound.back': 'Naar de startpagina',
  'signin.required': 'Log eerst in om deze pagina te zien.',
};

export type Key = keyof typeof nl;

const en: Record<Key, string> = {
  'app.name': 'dichtbij',
  'app.tagline': 'Help from the neighbourhood',
  'skip': 'Skip to content',
  'lang.switch': 'Nederlands',
  'lang.switch.label': 'Wissel naar Nederlands',
  'nav.label': 'Main menu',
  'nav.signin': 'Sign in',
  'nav.signup': 'Create account',
  'nav.signout': 'Sign out',
  'nav.offer': 'My offer of help',
  'nav.referrals': 'Requests for me',
  'nav.mydata': 'My data',
  'nav.home': 'Home',
  'nav.requests': 'Requests',
  'nav.newrequest': 'New request',
  'nav.followups': 'Follow-ups',
  'nav.nearby': 'Find help nearby',
  'nav.options': 'My offer',
  'nav.optionrefs': 'Sign-ups',
  'nav.dashboard': 'Figures',
  'nav.settings': 'Settings',
  'home.coordinator.dashboard': "See your municipality's figures: on the map, in charts and tables, and as a report to print.",
  'home.coordinator.settings': 'Set within how many days there should be first contact, and the prices the dashboard uses to calculate the avoided costs.',
  'home.worker.requests': "See your team's requests, search and refer.",
  'home.worker.new': 'Record a request together with a resident.',
  'home.worker.followups': 'See whom to call after help started.',
  'home.worker.nearby': 'Find help near a postcode, without a request.',
  'home.organiser.options': 'Post and edit your initiative, provision and activities.',
  'home.organiser.referrals': 'See who was referred, per session, and say yes or no.',
  'loading': 'Loading…',
  'saving': 'Saving…',
  'error.network': 'dichtbij cannot be reached. Please try again later.',
  'error.server': 'Something went wrong at dichtbij. Please try again later.',
  'error.summary': 'Something is not filled in correctly',
  'error.summary.one': 'Please look at:',
  'error.forbidden': 'Your account may not do this.',
  'error.notfound': 'This page does not exist.',
  'error.locked': 'Too many attempts. Wait {min} minutes and try again.',
  'error.ratelimited': 'Too many attempts. Wait a minute and try again.',
  'error.conflict': 'Someone else just changed this. Please reload the page.',
  'reason.required': 'Please fill this in.',
  'reason.taken': 'An account with this e-mail address already exists.',
  'reason.wrongpassword': 'The e-mail address or password is wrong.',
  'reason.password': 'Choose a password of 10 to 128 characters.',
  'reason.email': 'Enter a valid e-mail address, like name@example.org.',
  'reason.outside': 'This place is outside your municipality or outside the Netherlands.',
  'reason.token': 'This link no longer works. Ask for a new link.',
  'reason.min1': 'Choose at least one.',
  'reason.number': 'Enter a number from {min} to {max}.',

  'home.title': 'Welcome to dichtbij',
  'home.intro': 'With dichtbij, neighbours help each other. Here you can offer help to people in your neighbourhood. Your municipality\'s social team then finds help close by, together with residents.',
  'home.signin': 'Already have an account? Sign in.',
  'home.signup': 'No account yet? Create one.',
  'home.hello': 'Hello {name}',
  'home.resident': 'What would you like to do?',
  'home.resident.offer': 'Say what help you would like to give, where and when.',
  'home.resident.referrals': 'See whether someone needs your help.',
  'home.resident.mydata': 'Download or erase your data.',
  'home.other': 'This part of the portal for your role ({role}) is not ready yet. You can use the API.',
  'role.resident': 'resident',
  'role.organiser': 'organiser',
  'role.social_worker': 'social worker',
  'role.coordinator': 'coordinator',
  'role.admin': 'administrator',

  'signin.title': 'Sign in',
  'signin.email': 'E-mail address',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.forgot': 'Forgot your password?',
  'signin.noaccount': 'No account yet?',
  'signin.done': 'You are signed in.',
  'signout.done': 'You are signed out.',

  'signup.title': 'Create account',
  'signup.intro': 'With an account you can offer help in your neighbourhood, or show your activities as an organisation.',
  'signup.name': 'Your name',
  'signup.name.hint': 'Your first name is enough.',
  'signup.email': 'E-mail address',
  'signup.password': 'Password',
  'signup.password.hint': 'At least 10 characters. A sentence of a few words is easy to remember.',
  'signup.municipality': 'Your municipality',
  'signup.municipality.choose': 'Choose your municipality',
  'signup.role': 'I am',
  'signup.role.resident': 'a resident who wants to offer help',
  'signup.role.organiser': 'an organisation, initiative or community centre',
  'signup.submit': 'Create account',
  'signup.done': 'Your account has been created. You are now signed in.',

  'forgot.title': 'Forgot your password',
  'forgot.intro': 'Enter your e-mail address. You will get an e-mail with a link. With that link you choose a new password.',
  'forgot.email': 'E-mail address',
  'forgot.submit': 'Send me a link',
  'forgot.done': 'If there is an account with this e-mail address, you will get an e-mail within a few minutes. The link works for one hour.',

  'reset.title': 'Choose a new password',
  'reset.password': 'New password',
  'reset.password.hint': 'At least 10 characters.',
  'reset.submit': 'Save password',
  'reset.done': 'Your new password has been saved. You can now sign in.',
  'reset.notoken': 'This link is incomplete. Ask for a new link.',

  'offer.title': 'My offer of help',
  'offer.intro': 'Tell us what help you would like to give. We do not keep your exact address: only a place in the neighbourhood, to about 250 metres.',
  'offer.new': 'You do not offer help yet. Fill in the form and press Save.',
  'offer.name': 'Name others see',
  'offer.name.hint': 'For example your first name.',
  'offer.helptypes': 'What help would you like to give?',
  'offer.where': 'Where do you live?',
  'offer.postcode': 'Postcode (4 digits)',
  'offer.postcode.hint': 'Or click on the map, close to your home.',
  'offer.postcode.find': 'Find postcode',
  'offer.postcode.found': 'Found: {city}. The place is on the map.',
  'offer.postcode.notfound': 'We do not know this postcode. Click on the map.',
  'offer.postcode.invalid': 'Enter 4 digits, for example 3511.',
  'offer.location.set': 'Your place has been chosen.',
  'offer.location.none': 'No place has been chosen yet.',
  'offer.location.area': 'Neighbourhood: {area}',
  'offer.map': 'Map of your municipality. Click to choose your place. The circle shows how far you will travel.',
  'offer.distance': 'How far will you travel?',
  'offer.when': 'When can you help?',
  'offer.when.hint': 'Choose the parts of the day when you are usually free.',
  'offer.when.other': 'Other times',
  'offer.when.keep': 'Keep {day} {start}–{end}',
  'part.morning': 'Morning',
  'part.afternoon': 'Afternoon',
  'part.evening': 'Evening',
  'offer.languages': 'Which languages do you speak?',
  'offer.capacity': 'How many people will you help at the same time?',
  'offer.save': 'Save',
  'offer.saved': 'Your offer of help has been saved.',
  'offer.status.active': 'Your offer of help is on. The social team can ask you to help.',
  'offer.status.paused': 'Your offer of help is paused. Nobody will ask you for help now.',
  'offer.pause': 'Take a break',
  'offer.resume': 'Be available again',
  'offer.paused.done': 'Your offer of help is now paused.',
  'offer.resumed.done': 'Your offer of help is on again.',

  'refs.title': 'Requests for me',
  'refs.intro': 'Here you see who could use your help. You only see what you need to decide. You see the name only after you say yes.',
  'refs.none': 'There are no requests for you now.',
  'refs.need': 'Help with',
  'refs.where': 'Neighbourhood',
  'refs.when': 'When',
  'refs.when.any': 'No set times',
  'refs.state': 'Status',
  'refs.resident': 'Name',
  'refs.date': 'Asked on',
  'refs.accept': 'Yes, I will help',
  'refs.decline': 'No, I cannot',
  'refs.decline.reason': 'Why can you not help?',
  'refs.decline.hint': 'A short sentence is enough, for example: I am not free on those days.',
  'refs.decline.submit': 'Say no',
  'refs.cancel': 'Back',
  'refs.accepted.done': 'Thank you! You said yes. The social team will contact you.',
  'refs.declined.done': 'You said no. Thank you for answering.',
  'state.proposed': 'Waiting for your answer',
  'state.accepted': 'You said yes',
  'state.declined': 'You said no',
  'state.expired': 'Expired',
  'state.waitlisted': 'On the waiting list',
  'state.started': 'Help has started',
  'state.completed': 'Completed',
  'state.ended': 'Stopped',

  'mydata.title': 'My data',
  'mydata.intro': 'This is what dichtbij knows about you. You can download all of it, or have all of it erased.',
  'mydata.account': 'Your account',
  'mydata.name': 'Name',
  'mydata.email': 'E-mail address',
  'mydata.municipality': 'Municipality',
  'mydata.download': 'Download my data',
  'mydata.download.hint': 'You get a file (JSON) with everything dichtbij keeps about you.',
  'mydata.erase': 'Erase my data',
  'mydata.erase.hint': 'Your account and your offer of help will be erased. Requests that are still open will stop. This cannot be undone.',
  'mydata.erase.confirm': 'Yes, I want to erase my account and all my data',
  'mydata.erase.submit': 'Erase everything',
  'mydata.password': 'Your password',
  'mydata.password.hint': 'So we know for sure that it is you.',
  'mydata.erase.needconfirm': 'First tick the box if you are sure you want to erase everything.',
  'mydata.erased': 'Your account and data have been erased.',
  'mydata.unavailable': 'This is not possible yet: dichtbij does not have this function yet.',

  'notfound.title': 'Page not found',
  'notfound.back': 'Go to the home page',
  'signin.required': 'Please sign in first to see this page.',
};

const dicts: Record<Lang, Record<Key, string>> = { nl, en };
const STORAGE_KEY = 'dichtbij.lang';

function initial(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'nl' || v === 'en') return v;
  } catch {
    /* storage may be off */
  }
  return 'nl';
}

let current: Lang = initial();
const listeners = new Set<(l: Lang) => void>();

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* storage may be off */
  }
  document.documentElement.lang = l;
  listeners.forEach((f) => f(l));
}

/** Re-renders the component when the language changes. */
export function useLang(): Lang {
  const [l, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return l;
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = dicts[current][key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** The label of a code-list term in the current language. */
export function label(term: { label: { nl: string; en: string } } | undefined, fallback = ''): string {
  return term ? term.label[current] : fallback;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(current === 'nl' ? 'nl-NL' : 'en-GB', {
    day: 'numeric', month: 'long', year: 'numeric',
  });
}

export function formatDistance(m: number): string {
  return m < 1000 ? `${m} m` : `${(m / 1000).toLocaleString(current === 'nl' ? 'nl-NL' : 'en-GB')} km`;
}

/**
 * A page chunk's own texts, in both languages, kept out of the shell:
 * `const tx = texts({ nl: {...}, en: {...} })`, then `tx('key')`.
 */
export function texts<K extends string>(d: { nl: Record<K, string>; en: Record<K, string> }) {
  return (key: K, vars?: Record<string, string | number>): string => {
    let s = d[current][key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

/** A date and time in the current language, e.g. "dinsdag 24 november, 14:00". */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(current === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam',
  });
}
