/**
 * The hospital group of the Danish invitation (issue 14): five Mondays and five Thursdays,
 * 13:30 to 15:30 in Copenhagen. Shared by the server tests and the browser test.
 */
export const HOSPITAL_DATES = [
	'2027-02-08',
	'2027-03-11',
	'2027-04-12',
	'2027-05-13',
	'2027-06-14',
	'2027-08-19',
	'2027-09-13',
	'2027-10-14',
	'2027-11-08',
	'2027-12-09'
];

export const HOSPITAL_SERIES = { timeZone: 'Europe/Copenhagen', start: '13:30', minutes: 120, dates: HOSPITAL_DATES };
