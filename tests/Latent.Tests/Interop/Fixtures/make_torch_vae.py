"""Writes torch-vae.pt (torch.save of a state_dict) and torch-vae.json (inputs and PyTorch's outputs) for PyTorchInteropTests.

Needs PyTorch (made with Debian's python3-torch 1.13): python3 make_torch_vae.py, run in this folder.
The VAE is latent_torch.Vae(6, [8], 2, "gaussian-learned", sigma=0.1, variance_floor=1e-3), PyTorch's default initialisation.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "python"))
import latent_torch as lt  # noqa: E402

torch.manual_seed(0)
vae = lt.Vae(6, [8], 2, "gaussian-learned", 0.1, 1e-3).eval()
torch.save(vae.state_dict(), "torch-vae.pt")
z = torch.randn(4, 2)
x = torch.rand(3, 6)
with torch.no_grad():
    p, q = vae.decoder(z), vae.encoder(x)
    outputs = {
        "z": z.tolist(), "x": x.tolist(),
        "decoder_mean": p.mean.tolist(), "decoder_log_variance": (2 * p.base_dist.scale.log()).tolist(),
        "encoder_mean": q.mean.tolist(),
    }
with open("torch-vae.json", "w", encoding="utf-8") as f:
    json.dump(outputs, f, indent=1)
