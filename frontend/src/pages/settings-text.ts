// The municipality's settings page: texts (plain language, B1), in the page's own chunk.
import { texts } from '../lib/i18n';

const nl = {
  'title': 'Instellingen van uw gemeente',
  'intro': 'Hier stelt u in met welk doel en welke prijzen dichtbij rekent voor {place}. Het dashboard met de cijfers gebruikt deze instellingen.',
  'saved.at': 'Voor het laatst opgeslagen op {date}.',
  'never': 'Er is nog niets opgeslagen. Nu geldt: eerste contact binnen 7 dagen, en er zijn geen prijzen.',
  'nomunicipality': 'Uw account hoort niet bij een gemeente. Daarom kunt u hier niets instellen.',

  'target': 'Eerste contact',
  'contact_target_days': 'Binnen hoeveel dagen moet er eerste contact zijn?',
  'contact_target_days.hint': 'Een heel getal van 1 tot en met 90. Eerste contact is het moment dat iemand ja zegt op een verwijzing. Het dashboard laat zien hoe snel dat ging, en hoeveel hulpvragen op tijd contact hadden.',
  'days': 'dagen',

  'prices': 'Prijzen voor de vermeden kosten',
  'prices.intro': 'Hulp uit de buurt kan dure specialistische zorg voorkomen. Het dashboard schat hoeveel geld dat scheelt. Daarvoor zijn deze prijzen nodig. Het dashboard rekent in drie regels: aantal × hoeveelheid per keer × prijs = bedrag.',
  'prices.empty': 'Laat u alle vakjes hieronder leeg? Dan rekent het dashboard geen vermeden kosten uit. Vult u bij een prijs of hoeveelheid 0 in, of laat u één vakje leeg? Dan telt die regel niet mee.',
  'prices.euro': 'Schrijf een bedrag in cijfers, bijvoorbeeld 62.50. Naast het vakje ziet u welk bedrag wij lezen. Klopt dat niet? Pas het dan aan.',

  'line1': 'Regel 1: hulpvragen die in de buurt zijn opgelost',
  'line1.how': 'Zo rekent het dashboard: aantal hulpvragen die zijn afgesloten als opgelost in de buurt × 1 specialistisch traject × de prijs van een traject.',
  'specialist_trajectory_eur': 'Prijs van één specialistisch traject, in euro',
  'specialist_trajectory_eur.hint': 'Wat een traject specialistische zorg (maatwerk) gemiddeld kost. Van 0 tot en met 1.000.000 euro.',

  'line2': 'Regel 2: hulp van vrijwilligers en initiatieven',
  'line2.how': 'Zo rekent het dashboard: aantal afgeronde verwijzingen naar een vrijwilliger of initiatief × aantal uren per verwijzing × de prijs van een uur. Hulpvragen die al in regel 1 meetellen, tellen hier niet nog een keer.',
  'support_hours_per_referral': 'Hoeveel uur ondersteuning vervangt één verwijzing?',
  'support_hours_per_referral.hint': 'Een schatting: zoveel uur individuele ondersteuning was niet nodig. Van 0 tot en met 1.000 uur.',
  'support_hour_eur': 'Prijs van één uur ondersteuning, in euro',
  'support_hour_eur.hint': 'Wat een uur individuele ondersteuning kost. Van 0 tot en met 1.000 euro.',

  'line3': 'Regel 3: vervoer',
  'line3.how': 'Zo rekent het dashboard: aantal afgeronde verwijzingen voor vervoer × aantal ritten per verwijzing × de prijs van een rit.',
  'rides_per_transport_referral': 'Hoeveel ritten vervangt één verwijzing voor vervoer?',
  'rides_per_transport_referral.hint': 'Een schatting: zoveel ritten (Wmo-)vervoer waren niet nodig. Van 0 tot en met 1.000 ritten.',
  'transport_ride_eur': 'Prijs van één rit vervoer, in euro',
  'transport_ride_eur.hint': 'Wat één rit (Wmo-)vervoer kost. Van 0 tot en met 1.000 euro.',

  'source': 'Waar komen de prijzen vandaan?',
  'source.hint': 'Bijvoorbeeld "Begroting 2026" of de naam van een contract. Het dashboard laat dit zien onder de berekening. Hoogstens 300 tekens.',

  'short.contact_target_days': 'Dagen tot eerste contact',
  'short.specialist_trajectory_eur': 'Prijs van een specialistisch traject',
  'short.support_hours_per_referral': 'Uren per verwijzing',
  'short.support_hour_eur': 'Prijs van een uur ondersteuning',
  'short.rides_per_transport_referral': 'Ritten per verwijzing',
  'short.transport_ride_eur': 'Prijs van een rit vervoer',
  'short.source': 'Waar de prijzen vandaan komen',

  'save': 'Instellingen opslaan',
  'saved': 'De instellingen zijn opgeslagen. Het dashboard rekent vanaf nu met deze gegevens.',
  'to.dashboard': 'Bekijk de vermeden kosten op het dashboard',

  'err.days': 'Vul een heel getal in van 1 tot en met 90.',
  'err.eur': 'Vul een bedrag in van 0 tot en met {max} euro.',
  'err.count': 'Vul een getal in van 0 tot en met {max}.',
  'err.number': 'Vul alleen cijfers in.',
  'err.source.long': 'Gebruik hoogstens 300 tekens.',
  'err.source.text': 'Gebruik gewone tekst, zonder tabs of regels. Begin niet met een $.',
};

type K = keyof typeof nl;

const en: Record<K, string> = {
  'title': "Your municipality's settings",
  'intro': 'Here you set the target and the prices that dichtbij uses for {place}. The dashboard with the figures uses these settings.',
  'saved.at': 'Last saved on {date}.',
  'never': 'Nothing has been saved yet. For now: first contact within 7 days, and there are no prices.',
  'nomunicipality': 'Your account does not belong to a municipality. That is why you cannot set anything here.',

  'target': 'First contact',
  'contact_target_days': 'Within how many days should there be first contact?',
  'contact_target_days.hint': 'A whole number from 1 to 90. First contact is when someone says yes to a referral. The dashboard shows how fast that went, and how many requests had contact on time.',
  'days': 'days',

  'prices': 'Prices for the avoided costs',
  'prices.intro': 'Help from the neighbourhood can prevent expensive specialist care. The dashboard estimates how much money that saves. It needs these prices for that. The dashboard calculates three lines: count × quantity each × price = amount.',
  'prices.empty': 'Do you leave all boxes below empty? Then the dashboard does not calculate avoided costs. Do you enter 0 for a price or quantity, or leave one box empty? Then that line does not count.',
  'prices.euro': 'Write an amount in figures, for example 62.50. Next to the box you see which amount we read. Is it wrong? Then change it.',

  'line1': 'Line 1: requests resolved in the neighbourhood',
  'line1.how': 'How the dashboard calculates: number of requests closed as resolved in the neighbourhood × 1 specialist trajectory × the price of a trajectory.',
  'specialist_trajectory_eur': 'Price of one specialist trajectory, in euros',
  'specialist_trajectory_eur.hint': 'What a trajectory of specialist care (maatwerk) costs on average. From 0 to 1,000,000 euros.',

  'line2': 'Line 2: help by volunteers and initiatives',
  'line2.how': 'How the dashboard calculates: number of completed referrals to a volunteer or initiative × hours per referral × the price of an hour. Requests that already count in line 1 are not counted again here.',
  'support_hours_per_referral': 'How many hours of support does one referral replace?',
  'support_hours_per_referral.hint': 'An estimate: this many hours of individual support were not needed. From 0 to 1,000 hours.',
  'support_hour_eur': 'Price of one hour of support, in euros',
  'support_hour_eur.hint': 'What an hour of individual support costs. From 0 to 1,000 euros.',

  'line3': 'Line 3: transport',
  'line3.how': 'How the dashboard calculates: number of completed referrals for transport × rides per referral × the price of a ride.',
  'rides_per_transport_referral': 'How many rides does one referral for transport replace?',
  'rides_per_transport_referral.hint': 'An estimate: this many rides of (Wmo) transport were not needed. From 0 to 1,000 rides.',
  'transport_ride_eur': 'Price of one transport ride, in euros',
  'transport_ride_eur.hint': 'What one ride of (Wmo) transport costs. From 0 to 1,000 euros.',

  'source': 'Where do the prices come from?',
  'source.hint': 'For example "Budget 2026" or the name of a contract. The dashboard shows this below the calculation. At most 300 characters.',

  'short.contact_target_days': 'Days to first contact',
  'short.specialist_trajectory_eur': 'Price of a specialist trajectory',
  'short.support_hours_per_referral': 'Hours per referral',
  'short.support_hour_eur': 'Price of an hour of support',
  'short.rides_per_transport_referral': 'Rides per referral',
  'short.transport_ride_eur': 'Price of a transport ride',
  'short.source': 'Where the prices come from',

  'save': 'Save the settings',
  'saved': 'The settings have been saved. From now on the dashboard calculates with them.',
  'to.dashboard': 'See the avoided costs on the dashboard',

  'err.days': 'Enter a whole number from 1 to 90.',
  'err.eur': 'Enter an amount from 0 to {max} euros.',
  'err.count': 'Enter a number from 0 to {max}.',
  'err.number': 'Enter figures only.',
  'err.source.long': 'Use at most 300 characters.',
  'err.source.text': 'Use plain text, without tabs or line breaks. Do not start with a $.',
};

export const ts = texts({ nl, en });
export type SettingsKey = K;
