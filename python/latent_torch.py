"""Latent model folders in Python: read them with numpy alone, or rebuild the equivalent torch.nn module.

A Latent model folder holds config.json (kind, format_version, architecture, data, training) and
model.safetensors (float32/float64 weights under PyTorch-style state-dict keys), plus vocabulary.txt for text models.

numpy only (no PyTorch needed):
    read_safetensors(path) / write_safetensors(path, arrays)   the safetensors format: 8-byte little-endian header
                                                               length, a JSON header, then the raw little-endian bytes
    read_config(folder, kind=None), read_vocabulary(folder), read_standardization(config)
    numpy_vae_encode / numpy_vae_decode                        the VAE's encoder and decoder
    numpy_lstm_lm_logits                                       the LSTM language model's next-word logits
    numpy_mlp_classifier_proba                                 the MLP classifier's class probabilities
    word2vec_vectors                                           word2vec's words and input-embedding matrix
    svgp_arrays, numpy_svgp_predict_f                          the SVGP's inducing inputs, q(u) and kernel hyperparameters;
                                                               its latent predictive mean and variance

PyTorch (needed by these only; the module imports without it):
    load_vae, load_lstm_lm, load_mlp_classifier, load_noisy_classifier, load_word2vec  rebuild the torch.nn module and load
                                                               the weights (strict: every key and shape must match)
    load(folder)                                               any of the above, chosen by config.json's kind
    save_for_latent(module, path)                              writes a module's state_dict as safetensors that Latent's
                                                               ImportWeights (or Load, as the folder's model.safetensors) reads

Features go in standardised when the model was fitted on standardised data: x_std = (x - mean) / scale with the
statistics of read_standardization(config).
"""

import json
import os
import struct

import numpy as np

try:
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError:  # the numpy functions work without PyTorch
    torch = None

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
VOCABULARY_FILE = "vocabulary.txt"

_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?",
}
_NAMES = {np.dtype(v).str: k for k, v in _DTYPES.items()}


# ----------------------------------------------------------------------------------------------------------------------
# Files (numpy only)
# ----------------------------------------------------------------------------------------------------------------------

def read_safetensors(path):
    """Reads a safetensors file into a dict name -> numpy array (BF16 is widened to float32)."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    start = 8 + length
    arrays = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[start + begin:start + end]
        if entry["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            array = bits.view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=_DTYPES[entry["dtype"]])
        arrays[name] = array.reshape(entry["shape"]).copy()
    return arrays


def write_safetensors(path, arrays):
    """Writes a dict name -> numpy array as a safetensors file (C order, little-endian)."""
    header, chunks, offset = {}, [], 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        key = array.dtype.str
        if key not in _NAMES:
            raise ValueError(f"{name}: dtype {array.dtype} has no safetensors name")
        raw = array.tobytes()
        header[name] = {"dtype": _NAMES[key], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def read_config(folder, kind=None):
    """config.json of a model folder as a dict with the top-level keys kind, format_version, architecture, data and training
    (a folder of format version 1 is converted to that layout); with kind, refuses a folder holding another kind of model."""
    with open(os.path.join(folder, CONFIG_FILE), encoding="utf-8") as f:
        config = json.load(f)
    if kind is not None and config.get("kind") != kind:
        raise ValueError(f"{folder}: holds a '{config.get('kind')}' model, not a '{kind}' model")
    return _from_version_1(config) if config.get("format_version") == 1 else config


def _from_version_1(old):
    """A version-1 config (each family's own top-level keys) in the common layout, as Latent's ModelConfig converts it."""
    architecture, data, training = {}, {}, {}
    for key, value in old.items():
        if key in ("kind", "format_version"):
            continue
        if key in ("options", "steps_taken", "initial_lengthscale", "true_transition"):
            training[key] = value
        elif key in ("example_shape", "class_names", "standardization"):
            data[key] = value
        elif key == "preprocessing" and isinstance(value, dict):
            data["standardization"] = value.get("standardization")
        elif key == "architecture" and isinstance(value, dict):
            for name, part in value.items():
                if name == "input_shape":
                    data["example_shape"] = part
                else:
                    architecture[name] = part
        elif key == "architecture":
            architecture["network"] = value
        else:
            architecture[key] = value
    return {"kind": old["kind"], "format_version": 1, "architecture": architecture, "data": data, "training": training}


def read_weights(folder):
    """model.safetensors of a model folder as a dict name -> numpy array."""
    return read_safetensors(os.path.join(folder, WEIGHTS_FILE))


def read_vocabulary(folder):
    """The words of vocabulary.txt ("word count" lines) in index order: row i of an embedding is words[i]."""
    with open(os.path.join(folder, VOCABULARY_FILE), encoding="utf-8") as f:
        return [line.split(" ")[0] for line in f.read().split("\n") if line]


def read_standardization(config):
    """(mean, scale) float32 arrays of the standardisation a model was fitted with, or None; x_std = (x - mean) / scale."""
    stats = config["data"].get("standardization")
    if not stats:
        return None
    mean = stats.get("mean", stats.get("Mean"))
    scale = stats.get("scale", stats.get("Scale"))
    return np.asarray(mean, dtype=np.float32), np.asarray(scale, dtype=np.float32)


# ----------------------------------------------------------------------------------------------------------------------
# numpy forward passes (the same definitions as the C# modules; float64 arithmetic on the saved weights)
# ----------------------------------------------------------------------------------------------------------------------

def _numpy_mlp(weights, prefix, x):
    """Latent.Nn.Mlp: Linear layers {prefix}layers.{i} with ReLU between them and none after the last."""
    count = len([k for k in weights if k.startswith(prefix + "layers.") and k.endswith(".weight")])
    x = np.asarray(x, dtype=np.float64)
    for i in range(count):
        w = weights[f"{prefix}layers.{i}.weight"].astype(np.float64)
        b = weights[f"{prefix}layers.{i}.bias"].astype(np.float64)
        x = x @ w.T + b
        if i + 1 < count:
            x = np.maximum(x, 0.0)
    return x


def _softplus(x):
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


def _positive(config, raw):
    """A GP folder's positive parameter from its stored value: exp(raw) from format version 3 on, softplus(raw) before."""
    return np.exp(raw) if config.get("format_version", 1) >= 3 else _softplus(raw)


def _mlp_vae_config(folder):
    """The config of a "vae" folder with the unconditional mlp architecture (the one rebuilt here); any other is a ValueError."""
    config = read_config(folder, "vae")
    arch = config["architecture"]
    if arch.get("network", "mlp") != "mlp" or arch.get("conditional", False):
        raise ValueError(f"{folder}: only unconditional mlp VAEs are rebuilt here, this one is {arch.get('network')}"
                         f"{' conditional' if arch.get('conditional') else ''}")
    return config


def numpy_vae_encode(folder, x):
    """q(z|x) of a "vae" folder for flattened examples x [N, D]: (mean [N, L], log_variance [N, L]), side by side in the MLP's output."""
    config = _mlp_vae_config(folder)
    latent = config["architecture"]["latent"]
    out = _numpy_mlp(read_weights(folder), "encoder.network.", x)
    return out[..., :latent], out[..., latent:]


def numpy_vae_decode(folder, z):
    """
    p(x|z) of a "vae" folder for codes z [N, L], as a dict: "mean" [N, D] always; "logits" for the bernoulli decoder
    (mean = sigmoid(logits)); "log_variance" for the Gaussian decoders (fixed: 2 log sigma; learned: the MLP's second half,
    floored as log(floor + exp(raw)) = log floor + softplus(raw - log floor) when variance_floor > 0).
    """
    config = _mlp_vae_config(folder)
    decoder, d = config["architecture"]["decoder"], config["architecture"]["input_size"]
    out = _numpy_mlp(read_weights(folder), "decoder.network.", z)
    if decoder == "bernoulli":
        return {"logits": out, "mean": 1.0 / (1.0 + np.exp(-out))}
    if decoder == "gaussian-fixed":
        return {"mean": out, "log_variance": np.full_like(out, 2.0 * np.log(config["training"]["options"]["sigma"]))}
    raw, floor = out[..., d:], config["training"]["options"]["variance_floor"]
    log_variance = _softplus(raw - np.log(floor)) + np.log(floor) if floor > 0 else raw
    return {"mean": out[..., :d], "log_variance": log_variance}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_lstm_lm_logits(folder, tokens, state=None):
    """
    Next-word logits [T, V] of an "lstm-lm" folder after each of the word indices tokens [T] (one sequence, evaluation mode:
    no dropout), and the final state (h, c), each [layers, H] (c stays zero for a GRU). Per step and layer, PyTorch's LSTM with gates
    in the order i, f, g, o: gates = W_ih x + b_ih + W_hh h + b_hh; c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c);
    or, with architecture.cell "gru", PyTorch's GRU with gates r, z, n: r, z = sigmoid of their parts of W_ih x + b_ih + W_hh h + b_hh,
    n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h = (1 - z) n + z h.
    Logits = W h + b with W = projection.weight, or embedding.weight when tie_weights; with architecture.softmax "adaptive" the rows are
    the adaptive softmax's log-probabilities (PyTorch's AdaptiveLogSoftmaxWithLoss.log_prob, cut at architecture.cutoffs).
    """
    config = read_config(folder, "lstm-lm")
    arch = config["architecture"]
    cell = arch.get("cell", "lstm")
    w = {k: v.astype(np.float64) for k, v in read_weights(folder).items()}
    layers, hidden = arch["layers"], arch["hidden_size"]
    h = np.zeros((layers, hidden)) if state is None else np.array(state[0], dtype=np.float64)
    c = np.zeros((layers, hidden)) if state is None else np.array(state[1], dtype=np.float64)
    projection = w["embedding.weight"] if arch["tie_weights"] else w.get("projection.weight")
    logits = []
    for token in tokens:
        x = w["embedding.weight"][token]
        for layer in range(layers):
            if cell == "gru":
                gi = w[f"gru.weight_ih_l{layer}"] @ x + w[f"gru.bias_ih_l{layer}"]
                gh = w[f"gru.weight_hh_l{layer}"] @ h[layer] + w[f"gru.bias_hh_l{layer}"]
                r, z = _sigmoid(np.split(gi, 3)[0] + np.split(gh, 3)[0]), _sigmoid(np.split(gi, 3)[1] + np.split(gh, 3)[1])
                n = np.tanh(np.split(gi, 3)[2] + r * np.split(gh, 3)[2])
                h[layer] = (1 - z) * n + z * h[layer]
                x = h[layer]
                continue
            gates = (w[f"lstm.weight_ih_l{layer}"] @ x + w[f"lstm.bias_ih_l{layer}"]
                     + w[f"lstm.weight_hh_l{layer}"] @ h[layer] + w[f"lstm.bias_hh_l{layer}"])
            i, f, g, o = np.split(gates, 4)
            c[layer] = _sigmoid(f) * c[layer] + _sigmoid(i) * np.tanh(g)
            h[layer] = _sigmoid(o) * np.tanh(c[layer])
            x = h[layer]
        logits.append(_numpy_adaptive_log_prob(w, arch["cutoffs"], arch["vocabulary_size"], x) if arch.get("softmax") == "adaptive"
                      else projection @ x + w["projection.bias"])
    return np.array(logits), (h, c)


def _log_softmax(v):
    v = v - v.max()
    return v - np.log(np.exp(v).sum())


def _numpy_adaptive_log_prob(w, cutoffs, vocabulary_size, x):
    """log p(w | x) [V] of an adaptive softmax: the head's log-softmax over the shortlist and one token per cluster, plus each cluster's own."""
    head = _log_softmax(w["projection.head.weight"] @ x)
    ends = list(cutoffs[1:]) + [vocabulary_size]
    parts = [head[:cutoffs[0]]]
    for i, _ in enumerate(cutoffs):
        parts.append(_log_softmax(w[f"projection.tail.{i}.1.weight"] @ (w[f"projection.tail.{i}.0.weight"] @ x)) + head[cutoffs[0] + i])
    return np.concatenate(parts)


def numpy_mlp_classifier_proba(folder, x):
    """Class probabilities [N, C] of an "mlp-classifier" folder for (standardised, if it was) examples x [N, ...], flattened."""
    read_config(folder, "mlp-classifier")
    x = np.asarray(x, dtype=np.float64)
    logits = _numpy_mlp(read_weights(folder), "", x.reshape(x.shape[0], -1))
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def word2vec_vectors(folder):
    """(words, vectors [V, d] float32) of a "word2vec" folder: the input embeddings, row i for words[i] (the vectors Latent queries).
    The output weights are read_weights(folder)["output_embedding.weight"] [V, d] for negative sampling, or
    read_weights(folder)["huffman_node.weight"] [V - 1, d] (one row per inner node of the Huffman tree) for hierarchical softmax."""
    read_config(folder, "word2vec")
    return read_vocabulary(folder), read_weights(folder)["input_embedding.weight"]


def svgp_arrays(folder):
    """
    The arrays of an "svgp" folder (float64), with positive hyperparameters mapped through exp (softplus before format version 3) as the model uses them:
      "Z" [M, D] inducing inputs; "q_mu" [M, C] variational mean (whitened coordinates when options.whiten);
      "q_sqrt" [C, M, M] lower-triangular Cholesky factors of S, or [M, C] diagonal square roots when options.q_diagonal;
      "kernel_spec": the config's spec (e.g. "matern52+white": "+" sums terms, "*" multiplies factors, parts numbered in order);
      "kernel": name -> value for every kernel weight, e.g. "parts.0.variance", "parts.0.lengthscales" from the keys
      kernel.parts.0.variance.unconstrained … ("variance", "lengthscales" for a single kernel; "parts.i.parts.j.…" for a product
      inside a sum); "whiten"; "likelihood" ("robustmax" or "softmax"); "standardization" (mean, scale) or None.
    """
    config = read_config(folder, "svgp")
    w = read_weights(folder)
    options = config["training"]["options"]
    q_sqrt = w["qSqrt.unconstrained"]
    q_sqrt = _positive(config, q_sqrt) if options["q_diagonal"] else np.tril(q_sqrt)
    kernel = {}
    for key, value in w.items():
        if key.startswith("kernel."):
            name = key[len("kernel."):]
            kernel[name.replace(".unconstrained", "")] = _positive(config, value) if name.endswith(".unconstrained") else value
    return {
        "Z": w["inducingInputs"], "q_mu": w["qMean"], "q_sqrt": q_sqrt, "kernel_spec": options["kernel"], "kernel": kernel,
        "whiten": options["whiten"], "likelihood": options["likelihood"], "standardization": read_standardization(config),
    }


_STATIONARY = ("se", "rbf", "matern12", "matern32", "matern52")


def _kernel_tree(config, spec, weights, prefix="kernel."):
    """The kernel a spec such as "matern52+white" or "se*linear+constant" builds (KernelSpec.Parse), with its positive values."""
    def single(name, p):
        name = name.strip().lower()
        variance = _positive(config, weights[p + "variance.unconstrained"])[0]
        lengthscales = _positive(config, weights[p + "lengthscales.unconstrained"]) if name in _STATIONARY else None
        return (name, variance, lengthscales)

    def term(text, p):
        factors = text.split("*")
        return single(factors[0], p) if len(factors) == 1 else ("product", [single(f, f"{p}parts.{i}.") for i, f in enumerate(factors)])

    terms = spec.split("+")
    return term(terms[0], prefix) if len(terms) == 1 else ("sum", [term(t, f"{prefix}parts.{i}.") for i, t in enumerate(terms)])


def _kernel(kernel, X, X2=None, diagonal=False):
    """K(X, X2) (X2 None: K(X, X), where White adds its variance on the diagonal), or its diagonal [N] with diagonal=True."""
    name = kernel[0]
    if name in ("sum", "product"):
        parts = [_kernel(k, X, X2, diagonal) for k in kernel[1]]
        return sum(parts[1:], parts[0]) if name == "sum" else np.prod(parts, axis=0)
    _, variance, lengthscales = kernel
    n, n2 = X.shape[0], (X if X2 is None else X2).shape[0]
    if name == "white":
        return np.full(n, variance) if diagonal else (variance * np.eye(n) if X2 is None else np.zeros((n, n2)))
    if name == "constant":
        return np.full(n, variance) if diagonal else np.full((n, n2), variance)
    if name == "linear":
        return variance * (X * X).sum(1) if diagonal else variance * X @ (X if X2 is None else X2).T
    if diagonal:
        return np.full(n, variance)
    scaled, scaled2 = X / lengthscales, (X if X2 is None else X2) / lengthscales
    r2 = ((scaled[:, None, :] - scaled2[None, :, :]) ** 2).sum(-1)
    r = np.sqrt(np.maximum(r2, 1e-36))
    if name in ("se", "rbf"):
        return variance * np.exp(-0.5 * r2)
    if name == "matern12":
        return variance * np.exp(-r)
    if name == "matern32":
        return variance * (1 + np.sqrt(3) * r) * np.exp(-np.sqrt(3) * r)
    return variance * (1 + np.sqrt(5) * r + 5.0 / 3.0 * r2) * np.exp(-np.sqrt(5) * r)


def numpy_svgp_predict_f(folder, x, jitter=1e-6):
    """
    The latent predictive marginals q(f*) of an "svgp" folder: mean and variance [N, C] for inputs x [N, D] in the model's input
    space (standardised when it was; not for options.deskew). With A = L⁻¹ Kmn (L the Cholesky factor of Kmm + jitter I):
    variance = Knn − AᵀA + AᵀSA and mean = Aᵀ m when whitened, A replaced by L⁻ᵀ A for both otherwise (Latent.Gp.Conditionals).
    """
    config = read_config(folder, "svgp")
    if config["training"]["options"]["deskew"]:
        raise NotImplementedError("deskewed SVGP inputs: deskew the images as Latent does before calling numpy_svgp_predict_f")
    w = read_weights(folder)
    options = config["training"]["options"]
    kernel = _kernel_tree(config, options["kernel"], w)
    X = np.asarray(x, dtype=np.float32).reshape(len(x), -1).astype(np.float64)
    Z, q_mu = w["inducingInputs"], w["qMean"]
    L = np.linalg.cholesky(_kernel(kernel, Z) + jitter * np.eye(Z.shape[0]))
    A = np.linalg.solve(L, _kernel(kernel, Z, X))
    variance = _kernel(kernel, X, diagonal=True) - (A * A).sum(0)
    if not options["whiten"]:
        A = np.linalg.solve(L.T, A)
    mean = A.T @ q_mu
    if options["q_diagonal"]:
        variance = variance[:, None] + (A * A).T @ _positive(config, w["qSqrt.unconstrained"]) ** 2
    else:
        sqrt_a = np.transpose(np.tril(w["qSqrt.unconstrained"]), (0, 2, 1)) @ A
        variance = variance[:, None] + (sqrt_a ** 2).sum(1).T
    return mean, variance


# ----------------------------------------------------------------------------------------------------------------------
# PyTorch modules (defined only when torch imports)
# ----------------------------------------------------------------------------------------------------------------------

def _require_torch():
    if torch is None:
        raise ImportError("PyTorch is not installed: pip install torch safetensors (the numpy_* functions work without it)")


def _state_dict(folder):
    """The folder's weights as torch tensors."""
    return {k: torch.from_numpy(v) for k, v in read_weights(folder).items()}


if torch is not None:
    class Mlp(nn.Module):
        """Latent.Nn.Mlp: Linear layers (keys layers.{i}.weight/bias) with ReLU (or tanh) between them, none after the last."""

        def __init__(self, widths, activation="relu"):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
            self.activation = torch.tanh if activation == "tanh" else torch.relu

        def forward(self, x):
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if i + 1 < len(self.layers):
                    x = self.activation(x)
            return x

    class GaussianEncoder(nn.Module):
        """q(z|x): an MLP whose output holds the mean and the log-variance side by side; returns a Normal over z (one event)."""

        def __init__(self, input_size, hidden, latent):
            super().__init__()
            self.latent = latent
            self.network = Mlp([input_size, *hidden, 2 * latent])

        def forward(self, x):
            out = self.network(x)
            mean, log_variance = out[..., :self.latent], out[..., self.latent:]
            return torch.distributions.Independent(torch.distributions.Normal(mean, (0.5 * log_variance).exp()), 1)

    class Decoder(nn.Module):
        """
        p(x|z): "bernoulli" (logits), "gaussian-fixed" (mean, sigma fixed) or "gaussian-learned" (mean and floored log-variance).
        The Bernoulli skips PyTorch's argument checks: like Latent's, its log_prob takes features anywhere in [0, 1].
        """

        def __init__(self, latent, hidden, output_size, kind, sigma, variance_floor):
            super().__init__()
            self.kind, self.output_size, self.sigma, self.variance_floor = kind, output_size, sigma, variance_floor
            self.network = Mlp([latent, *hidden, 2 * output_size if kind == "gaussian-learned" else output_size])

        def forward(self, z):
            out = self.network(z)
            D = torch.distributions
            if self.kind == "bernoulli":
                return D.Independent(D.Bernoulli(logits=out, validate_args=False), 1, validate_args=False)
            if self.kind == "gaussian-fixed":
                return D.Independent(D.Normal(out, torch.full_like(out, self.sigma)), 1)
            mean, raw = out[..., :self.output_size], out[..., self.output_size:]
            if self.variance_floor > 0:
                log_floor = float(np.log(self.variance_floor))
                raw = F.softplus(raw - log_floor) + log_floor
            return D.Independent(D.Normal(mean, (0.5 * raw).exp()), 1)

    class Vae(nn.Module):
        """Latent.Vae.VariationalAutoencoder: encoder (keys encoder.network.*), decoder (decoder.network.*), prior N(0, I)."""

        def __init__(self, input_size, hidden, latent, decoder, sigma=0.1, variance_floor=1e-3):
            super().__init__()
            self.encoder = GaussianEncoder(input_size, hidden, latent)
            self.decoder = Decoder(latent, list(reversed(hidden)), input_size, decoder, sigma, variance_floor)

        def forward(self, x):
            """The reconstruction: the decoder mean at the encoder mean, for flattened examples x [N, D]."""
            return self.decoder(self.encoder(x).mean).mean

    class LstmLanguageModel(nn.Module):
        """
        Latent.Text.LstmLanguageModel: embedding -> dropout -> LSTM or GRU (batch_first) -> dropout -> projection; with tie_weights
        the projection's weight is the embedding matrix (Latent saves it once, as embedding.weight). The recurrent module is the
        attribute lstm or gru, as the state-dict keys name it.
        """

        def __init__(self, vocabulary_size, embedding_size, hidden_size, layers, dropout, tie_weights, cell="lstm", cutoffs=None):
            super().__init__()
            self.embedding = nn.Embedding(vocabulary_size, embedding_size)
            self.dropout = nn.Dropout(dropout)
            self.cell = cell
            recurrent = nn.GRU if cell == "gru" else nn.LSTM
            setattr(self, cell, recurrent(embedding_size, hidden_size, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0))
            self.adaptive = cutoffs is not None
            self.projection = (nn.AdaptiveLogSoftmaxWithLoss(hidden_size, vocabulary_size, list(cutoffs), div_value=4.0) if self.adaptive
                               else nn.Linear(hidden_size, vocabulary_size))
            if tie_weights:
                self.projection.weight = self.embedding.weight

        def forward(self, tokens, state=None):
            """Logits [batch, time, V] for int64 tokens [batch, time], and the final state ((h, c) for an LSTM, h for a GRU)."""
            output, state = getattr(self, self.cell)(self.dropout(self.embedding(tokens)), state)
            output = self.dropout(output)
            if self.adaptive:  # log-probabilities, whose softmax is the distribution itself
                return self.projection.log_prob(output.reshape(-1, output.shape[-1])).view(*output.shape[:-1], -1), state
            return self.projection(output), state

    class SmallCnn(nn.Module):
        """Latent.Nn.SmallCnn: conv5(16) ReLU maxpool2 conv5(32) ReLU maxpool2 (ceil), adaptive avg pool 4x4, linear ReLU linear."""

        def __init__(self, image_shape, classes, hidden_units):
            super().__init__()
            self.image_shape = tuple(image_shape)
            self.conv1 = nn.Conv2d(image_shape[0], 16, 5, padding=2)
            self.conv2 = nn.Conv2d(16, 32, 5, padding=2)
            self.hidden = nn.Linear(32 * 4 * 4, hidden_units)
            self.output = nn.Linear(hidden_units, classes)

        def forward(self, images):
            x = images.reshape(-1, *self.image_shape)
            x = F.max_pool2d(F.relu(self.conv1(x)), 2, ceil_mode=True)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2, ceil_mode=True)
            x = F.adaptive_avg_pool2d(x, (4, 4))
            return self.output(F.relu(self.hidden(x.flatten(1))))

    class FlatMlp(Mlp):
        """An Mlp that flattens each example first (the MLP classifiers see [N, ...] flattened to [N, D])."""

        def forward(self, x):
            return super().forward(x.reshape(x.shape[0], -1))

    class Transition(nn.Module):
        """The noise layer's Q [C, C], Q[i, j] = p(noisy label i | clean label j): softmax(logits, dim 0), or the stored matrix."""

        def __init__(self, classes, parameterisation):
            super().__init__()
            self.parameterisation = parameterisation
            if parameterisation == "softmax":
                self.logits = nn.Parameter(torch.zeros(classes, classes))
            elif parameterisation == "project":
                self.transition = nn.Parameter(torch.eye(classes))
            else:
                self.register_buffer("transition", torch.eye(classes))

        def forward(self):
            return self.logits.softmax(0) if self.parameterisation == "softmax" else self.transition

    class NoisyClassifier(nn.Module):
        """Latent.Nn.NoisyLabelClassifier: classifier f(x) (keys classifier.*) and optional noise layer (noise.*)."""

        def __init__(self, classifier, noise):
            super().__init__()
            self.classifier = classifier
            self.noise = noise

        def clean_log_probabilities(self, x):
            """log p(y|x) = log_softmax(f(x)): what Latent's PredictProba exponentiates."""
            return self.classifier(x).log_softmax(1)

        def forward(self, x):
            """log p(noisy y|x) = log(Q softmax(f(x))); the clean log-probabilities when there is no noise layer."""
            clean = self.clean_log_probabilities(x)
            if self.noise is None:
                return clean
            shift = clean.amax(1, keepdim=True).detach()
            return ((clean - shift).exp() @ self.noise().t()).clamp_min(torch.finfo(clean.dtype).tiny).log() + shift


def load_vae(folder):
    """A "vae" folder as a Vae module in eval mode (float32); encode/decode/reconstruct flattened examples [N, D]."""
    _require_torch()
    config = _mlp_vae_config(folder)
    arch, options = config["architecture"], config["training"]["options"]
    model = Vae(arch["input_size"], arch["hidden"], arch["latent"], arch["decoder"], options["sigma"], options["variance_floor"])
    model.load_state_dict(_state_dict(folder))
    return model.eval()


def load_lstm_lm(folder):
    """An "lstm-lm" folder as (LstmLanguageModel in eval mode, words): token i of the model is words[i]."""
    _require_torch()
    config = read_config(folder, "lstm-lm")
    arch, options = config["architecture"], config["training"]["options"]
    model = LstmLanguageModel(arch["vocabulary_size"], arch["embedding_size"], arch["hidden_size"], arch["layers"],
                              options["dropout"], arch["tie_weights"], arch.get("cell", "lstm"),
                              arch["cutoffs"] if arch.get("softmax") == "adaptive" else None)
    state = _state_dict(folder)
    if arch["tie_weights"]:
        state["projection.weight"] = state["embedding.weight"]
    model.load_state_dict(state)
    return model.eval(), read_vocabulary(folder)


def load_mlp_classifier(folder):
    """An "mlp-classifier" folder as (FlatMlp giving logits, class names); softmax(logits) is Latent's PredictProba."""
    _require_torch()
    config = read_config(folder, "mlp-classifier")
    widths = [int(np.prod(config["data"]["example_shape"])), *config["training"]["options"]["Hidden"], len(config["data"]["class_names"])]
    model = FlatMlp(widths)
    model.load_state_dict(_state_dict(folder))
    return model.eval(), config["data"]["class_names"]


def load_noisy_classifier(folder):
    """A "noisy-classifier" folder as (NoisyClassifier, class names): the MLP or small CNN its config's "architecture" names, plus Q."""
    _require_torch()
    config = read_config(folder, "noisy-classifier")
    options, shape, classes = config["training"]["options"], config["data"]["example_shape"], len(config["data"]["class_names"])
    if config["architecture"]["network"] == "cnn":
        classifier = SmallCnn(shape, classes, options["HiddenUnits"])
    else:
        classifier = FlatMlp([int(np.prod(shape)), options["HiddenUnits"], classes])
    model_kind = options["Model"]
    noise = None if model_kind == "None" else Transition(classes, {"Softmax": "softmax", "Project": "project"}.get(model_kind, "fixed"))
    model = NoisyClassifier(classifier, noise)
    model.load_state_dict(_state_dict(folder))
    return model.eval(), config["data"]["class_names"]


def load_word2vec(folder):
    """A "word2vec" folder as (nn.Embedding holding the input vectors, words); row i is words[i]."""
    _require_torch()
    words, vectors = word2vec_vectors(folder)
    return nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True), words


def load(folder):
    """Any module-based Latent folder, chosen by config.json's kind (svgp: see svgp_arrays)."""
    loaders = {"vae": load_vae, "lstm-lm": load_lstm_lm, "mlp-classifier": load_mlp_classifier,
               "noisy-classifier": load_noisy_classifier, "word2vec": load_word2vec}
    kind = read_config(folder)["kind"]
    if kind not in loaders:
        raise ValueError(f"{folder}: no torch module for kind '{kind}' (use svgp_arrays for an svgp folder)")
    return loaders[kind](folder)


def save_for_latent(module, path):
    """
    Writes module's state_dict to path as safetensors for Latent (VaeModel/LanguageModel/MlpClassifier/NoisyClassifier
    .ImportWeights(path), or as model.safetensors in a copy of the model folder). A tied projection.weight is left out:
    Latent stores a tied matrix once, as embedding.weight.
    """
    _require_torch()
    state = {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
    if isinstance(module, LstmLanguageModel) and module.projection.weight is module.embedding.weight:
        del state["projection.weight"]
    write_safetensors(path, {k: v.numpy() for k, v in state.items()})


if __name__ == "__main__":
    import sys

    for path in sys.argv[1:]:
        cfg = read_config(path)
        print(f"{path}: {cfg['kind']} (format {cfg['format_version']})")
        for key, value in read_weights(path).items():
            print(f"  {key} {value.dtype} {list(value.shape)}")
