// Texts of the "my data" page's code for the social team and personal
// calendar feed (plain language, B1), kept out of the shell.
import { texts } from '../lib/i18n';

const nl = {
  'code.title': 'Uw code voor het sociaal team',
  'code.intro': 'Heeft u een hulpvraag bij het sociaal team? Geef deze code dan aan uw contactpersoon. Die koppelt de code aan uw hulpvraag. U ziet daarna zelf wie uw hulpvraag heeft bekeken.',
  'code.label': 'Uw code',
  'code.copy': 'Kopieer de code',
  'cal.title': 'Agenda',
  'cal.active': 'U heeft een agenda-adres sinds {date}.',
  'cal.none': 'U heeft nog geen agenda-adres.',
  'cal.intro': 'Zet de hulp waar u ja op zei in uw eigen agenda, zoals op uw telefoon. U krijgt daarvoor een eigen adres voor uw agenda-app.',
  'cal.privacy': 'Let op: iedereen die dit adres heeft, kan de tijden zien. Deel het dus niet. Er staan geen namen of adressen van bewoners in, alleen de soort hulp, de buurt en de tijd.',
  'cal.make': 'Maak een agenda-adres',
  'cal.renew': 'Maak een nieuw agenda-adres',
  'cal.renew.hint': 'Het oude adres werkt dan niet meer. Zet het nieuwe adres in uw agenda-app.',
  'cal.revoke': 'Agenda-adres stoppen',
  'cal.revoked': 'Het agenda-adres werkt niet meer.',
  'cal.made': 'Uw agenda-adres is klaar. U ziet het alleen nu: kopieer het en zet het in uw agenda-app.',
  'cal.url': 'Uw agenda-adres',
  'cal.url.hint': 'Kies in uw agenda-app "agenda toevoegen via internet" of "abonneren", en plak dit adres.',
  'cal.copy': 'Kopieer het adres',
  'cal.copied': 'Gekopieerd.',
  'cal.copy.failed': 'Kopiëren lukte niet. Selecteer het adres en kopieer het zelf.',
};

const en: typeof nl = {
  'code.title': 'Your code for the social team',
  'code.intro': 'Do you have a support request with the social team? Then give this code to your contact person, who links it to your request. You can then see for yourself who looked at your request.',
  'code.label': 'Your code',
  'code.copy': 'Copy the code',
  'cal.title': 'Calendar',
  'cal.active': 'You have a calendar address since {date}.',
  'cal.none': 'You have no calendar address yet.',
  'cal.intro': 'Put the help you said yes to in your own calendar, for example on your phone. You get your own address for your calendar app.',
  'cal.privacy': 'Note: anyone who has this address can see the times. So do not share it. It holds no names or addresses of residents, only the kind of help, the neighbourhood and the time.',
  'cal.make': 'Make a calendar address',
  'cal.renew': 'Make a new calendar address',
  'cal.renew.hint': 'The old address then stops working. Put the new address in your calendar app.',
  'cal.revoke': 'Stop the calendar address',
  'cal.revoked': 'The calendar address no longer works.',
  'cal.made': 'Your calendar address is ready. You only see it now: copy it and put it in your calendar app.',
  'cal.url': 'Your calendar address',
  'cal.url.hint': 'In your calendar app choose "add calendar from the internet" or "subscribe", and paste this address.',
  'cal.copy': 'Copy the address',
  'cal.copied': 'Copied.',
  'cal.copy.failed': 'Copying did not work. Select the address and copy it yourself.',
};

export const tm = texts({ nl, en });
