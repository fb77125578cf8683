"""Scores a word2vec vector file with gensim's own evaluators, for comparison with `latent word2vec evaluate`.

    python3 gensim_evaluate.py VECTORS [--pairs FILE]... [--analogies FILE]...

VECTORS is a word2vec.c file (binary when it ends in .bin, text otherwise). Prints one JSON object: for each pairs file
gensim's KeyedVectors.evaluate_word_pairs (Pearson r, Spearman rho, out-of-vocabulary percentage), for each analogies file
evaluate_word_analogies (correct and answered questions per section, then the total), all with gensim's defaults.
"""
import json
import logging
import sys

from gensim.models import KeyedVectors


def main(argv):
    logging.disable(logging.CRITICAL)
    vectors = KeyedVectors.load_word2vec_format(argv[0], binary=argv[0].endswith(".bin"))
    result = {"pairs": {}, "analogies": {}}
    rest = argv[1:]
    for flag, path in zip(rest[::2], rest[1::2]):
        if flag == "--pairs":
            pearson, spearman, oov = vectors.evaluate_word_pairs(path)
            result["pairs"][path] = {"pearson": float(pearson[0]), "spearman": float(spearman.correlation), "oov_percent": float(oov)}
        elif flag == "--analogies":
            total, sections = vectors.evaluate_word_analogies(path)
            result["analogies"][path] = {
                "accuracy": float(total),
                "sections": [{"name": s["section"], "correct": len(s["correct"]), "answered": len(s["correct"]) + len(s["incorrect"])} for s in sections],
            }
        else:
            raise SystemExit(f"unknown option {flag}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
