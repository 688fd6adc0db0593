import { certify, checkExact, deepen, fractionField, interpolate, interpolateExact, loadDataset, loadNetwork, saveNetwork } from 'rethink';

// Theorem 1 on 2,000 MNIST images with random labels: build, certify, save, load, certify again.
const ds = loadDataset({ source: 'mnist', n: 2000, seed: 1, randomization: 'random-labels', test: false });
const X = ds.matrix('train'); // (2000, 784): pixels 0–255
const y = ds.train.labels; // (2000): random digits, drawn once from the seed
const net = interpolate(X, y, { seed: 1 }); // float64, 2n + d parameters
const cert = certify(net, X, y); // a rigorous bound on |c(x_i) − y_i| at every point
console.log(net.parameterCount, cert.labelsRecovered); // 4784 1

const again = loadNetwork(JSON.parse(JSON.stringify(saveNetwork(net, { seed: 1 }))));
if (again.kind === 'float') console.log(certify(again.params, X, y).maxResidual === cert.maxResidual); // true

// Exactly, on integer points: c(x_i) = y_i with no rounding at all; and the same function at depth 3.
const Xint = [[0, 1], [2, 3], [5, -1], [4, 4]];
const yint = [3, -1, 7, 0];
const exact = interpolateExact(Xint, yint);
console.log(checkExact(exact, Xint, yint).maxResidual.toFraction()); // 0
const deep = deepen(exact, 3, fractionField); // width ⌈n/3⌉ + 3
console.log(Math.max(...deep.widths) <= Math.ceil(4 / 3) + 3); // true
