"""Recomputes a saved Latent model's outputs with numpy alone (through latent_torch.py); the test suite's cross-check.

Usage: python3 latent_check.py REQUEST.json   prints one JSON object of outputs.

REQUEST fields: "folder", plus the inputs of its kind
    vae             "z" [N, L] codes -> "decoder_mean" (and "decoder_log_variance" for Gaussian decoders);
                    "x" [N, D] flattened examples -> "encoder_mean", "encoder_log_variance"
    lstm-lm         "tokens" [T] word indices -> "logits" [T, V] (the logits after each word, state starting at zero)
    mlp-classifier  "x" [N, D] -> "proba" [N, C]
    svgp            "x" [N, D] -> "f_mean", "f_variance" [N, C]
and optionally "rewrite_to": a new folder that receives config.json and model.safetensors written by numpy (every weight
multiplied by "factor", keys in reverse order); the outputs are then those of the new folder.
"""

import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import latent_torch as lt  # noqa: E402


def main(request_path):
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    folder = request["folder"]
    if "rewrite_to" in request:
        target = request["rewrite_to"]
        os.makedirs(target, exist_ok=True)
        shutil.copy(os.path.join(folder, lt.CONFIG_FILE), target)
        weights = lt.read_weights(folder)
        factor = request.get("factor", 1.0)
        rewritten = {k: (weights[k] * factor).astype(weights[k].dtype) for k in reversed(list(weights))}
        lt.write_safetensors(os.path.join(target, lt.WEIGHTS_FILE), rewritten)
        folder = target
    kind = lt.read_config(folder)["kind"]
    out = {}
    if kind == "vae":
        if "z" in request:
            decoded = lt.numpy_vae_decode(folder, np.array(request["z"]))
            out["decoder_mean"] = decoded["mean"].tolist()
            if "log_variance" in decoded:
                out["decoder_log_variance"] = decoded["log_variance"].tolist()
        if "x" in request:
            mean, log_variance = lt.numpy_vae_encode(folder, np.array(request["x"]))
            out["encoder_mean"], out["encoder_log_variance"] = mean.tolist(), log_variance.tolist()
    elif kind == "lstm-lm":
        logits, _ = lt.numpy_lstm_lm_logits(folder, request["tokens"])
        out["logits"] = logits.tolist()
    elif kind == "mlp-classifier":
        out["proba"] = lt.numpy_mlp_classifier_proba(folder, np.array(request["x"])).tolist()
    elif kind == "svgp":
        mean, variance = lt.numpy_svgp_predict_f(folder, np.array(request["x"]))
        out["f_mean"], out["f_variance"] = mean.tolist(), variance.tolist()
    else:
        raise SystemExit(f"{folder}: no numpy cross-check for kind '{kind}'")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
