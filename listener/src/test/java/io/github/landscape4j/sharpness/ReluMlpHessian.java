package io.github.landscape4j.sharpness;

import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact Hessian of the mean softmax cross-entropy of a one-hidden-layer ReLU network ({@code 0_W, 0_b, 1_W,
 * 1_b}), from its closed form, independent of DL4J's back-propagation. With pre-activation {@code h = W1ᵀx + b1},
 * mask {@code m = [h > 0]}, {@code a = m⊙h}, logits {@code z = W2ᵀa + b2}, {@code p = softmax(z)}: per example
 * {@code H = JᵀSJ + Σ_k (p_k - y_k)·∇²z_k} with {@code S = diag(p) - ppᵀ}, {@code J = ∂z/∂θ}, and the only non-zero
 * second derivatives of the logits (ReLU'' = 0 off the kinks) are {@code ∂²z_k/∂W1[i,j]∂W2[j,k] = m_j·x_i} and
 * {@code ∂²z_k/∂b1[j]∂W2[j,k] = m_j}. Rows and columns are in DL4J's flattened parameter order.
 */
final class ReluMlpHessian {

    private ReluMlpHessian() {
    }

    static RealMatrix of(MultiLayerNetwork net, INDArray features, INDArray labels) {
        double[][] w1 = net.getParam("0_W").castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b1 = net.getParam("0_b").castTo(DataType.DOUBLE).toDoubleVector();
        double[][] w2 = net.getParam("1_W").castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b2 = net.getParam("1_b").castTo(DataType.DOUBLE).toDoubleVector();
        int nIn = w1.length;
        int nH = b1.length;
        int nOut = b2.length;
        Layout at = new Layout(net);
        int n = (int) net.numParams();
        double[][] x = features.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] y = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] hess = new double[n][n];
        for (int e = 0; e < x.length; e++) {
            double[] a = new double[nH];
            boolean[] m = new boolean[nH];
            for (int j = 0; j < nH; j++) {
                double h = b1[j];
                for (int i = 0; i < nIn; i++) {
                    h += w1[i][j] * x[e][i];
                }
                m[j] = h > 0;
                a[j] = m[j] ? h : 0;
            }
            double[] z = new double[nOut];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < nOut; k++) {
                z[k] = b2[k];
                for (int j = 0; j < nH; j++) {
                    z[k] += w2[j][k] * a[j];
                }
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            double[] p = new double[nOut];
            for (int k = 0; k < nOut; k++) {
                p[k] = Math.exp(z[k] - max);
                sum += p[k];
            }
            double[][] jac = new double[nOut][n];
            for (int k = 0; k < nOut; k++) {
                p[k] /= sum;
                for (int j = 0; j < nH; j++) {
                    if (m[j]) {
                        for (int i = 0; i < nIn; i++) {
                            jac[k][at.w1(i, j)] = w2[j][k] * x[e][i];
                        }
                        jac[k][at.b1(j)] = w2[j][k];
                    }
                    jac[k][at.w2(j, k)] = a[j];
                }
                jac[k][at.b2(k)] = 1;
            }
            for (int k = 0; k < nOut; k++) {
                for (int l = 0; l < nOut; l++) {
                    double s = (k == l ? p[k] : 0) - p[k] * p[l];
                    if (s == 0) {
                        continue;
                    }
                    for (int r = 0; r < n; r++) {
                        if (jac[k][r] == 0) {
                            continue;
                        }
                        double f = s * jac[k][r];
                        for (int c = 0; c < n; c++) {
                            hess[r][c] += f * jac[l][c];
                        }
                    }
                }
                double g = p[k] - y[e][k];
                for (int j = 0; j < nH; j++) {
                    if (!m[j]) {
                        continue;
                    }
                    int w2jk = at.w2(j, k);
                    for (int i = 0; i < nIn; i++) {
                        hess[at.w1(i, j)][w2jk] += g * x[e][i];
                        hess[w2jk][at.w1(i, j)] += g * x[e][i];
                    }
                    hess[at.b1(j)][w2jk] += g;
                    hess[w2jk][at.b1(j)] += g;
                }
            }
        }
        return MatrixUtils.createRealMatrix(hess).scalarMultiply(1.0 / x.length);
    }

    /** Where each parameter sits in the flattened vector, read off DL4J's own views (no layout assumed). */
    private static final class Layout {
        private final int[][] w1;
        private final int[] b1;
        private final int[][] w2;
        private final int[] b2;

        Layout(MultiLayerNetwork net) {
            INDArray saved = net.params().dup();
            net.params().assign(org.nd4j.linalg.factory.Nd4j.linspace(0, net.numParams() - 1, net.numParams())
                    .castTo(net.params().dataType()).reshape(net.params().shape()));
            w1 = toInt(net.getParam("0_W").toDoubleMatrix());
            b1 = toInt(net.getParam("0_b").toDoubleVector());
            w2 = toInt(net.getParam("1_W").toDoubleMatrix());
            b2 = toInt(net.getParam("1_b").toDoubleVector());
            net.params().assign(saved);
        }

        int w1(int i, int j) {
            return w1[i][j];
        }

        int b1(int j) {
            return b1[j];
        }

        int w2(int j, int k) {
            return w2[j][k];
        }

        int b2(int k) {
            return b2[k];
        }

        private static int[][] toInt(double[][] m) {
            int[][] out = new int[m.length][];
            for (int i = 0; i < m.length; i++) {
                out[i] = toInt(m[i]);
            }
            return out;
        }

        private static int[] toInt(double[] v) {
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (int) Math.round(v[i]);
            }
            return out;
        }
    }
}
