import { fraction } from 'mathjs';
const t0=performance.now();
const a = fraction('1/3'), b = fraction(2);
const c = a.add(b).mul(fraction('-7/5'));
console.log(c.toFraction(), typeof c.n, c.s, c.n, c.d, c.compare(0), c.abs().toFraction(), c.valueOf(), c.equals(fraction(-49,15)));
console.log(fraction(0.1).toFraction(), fraction('0.1').toFraction());
try { console.log(fraction(5n).toFraction()); } catch(e) { console.log('bigint err', e.message); }
let s = fraction(0); for (let i=1;i<=20000;i++) s = s.add(fraction(1,i)); console.log('ms', performance.now()-t0);
