"""Un pas d'entraînement distribué, lancé par torchrun depuis tests/test_ddp.py.

Chaque processus construit le MLP de snippets/mlp_ddp.py, l'enveloppe comme le script
(wrap_model, avec le crochet chronométré), lui donne un lot différent des autres, fait un pas
d'Adam, puis écrit dans DOSSIER/rank-R.json :

* l'empreinte de ses poids après le pas (weights_hash du script) ;
* l'écart maximal entre le gradient que DDP lui a laissé et la moyenne des gradients locaux de
  tous les processus, calculés à part sans DDP puis rassemblés (all_gather).

Avec --without-ddp, le modèle n'est pas enveloppé : chaque processus garde son propre gradient, et
les empreintes doivent différer. C'est la preuve que le test sait échouer.

    torchrun --standalone --nproc-per-node 2 tests/ddp_one_step.py DOSSIER [--without-ddp]
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets"
sys.path.insert(0, str(SNIPPETS))

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from mlp_ddp import AllReduceTimer, weights_hash, wrap_model  # noqa: E402
from mlp_pytorch import build_model  # noqa: E402
from torch import nn  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1])
    with_ddp = "--without-ddp" not in sys.argv
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cpu")
    torch.manual_seed(0)  # mêmes poids initiaux partout
    model = build_model()
    reference = copy.deepcopy(model)
    timer = AllReduceTimer()
    trained = wrap_model(model, device, timer) if with_ddp else model
    optimizer = torch.optim.Adam(trained.parameters(), lr=1e-2)

    # Un lot propre à chaque rang : sans moyenne des gradients, les poids divergeraient.
    generator = torch.Generator().manual_seed(100 + rank)
    x = torch.rand(32, 1, 28, 28, generator=generator)
    y = torch.randint(0, 10, (32,), generator=generator)
    loss_fn = nn.CrossEntropyLoss()

    # Le gradient local, sans DDP, sur une copie : puis la moyenne de ceux de tous les rangs.
    loss_fn(reference(x), y).backward()
    local = torch.cat([p.grad.flatten() for p in reference.parameters()])
    gathered = [torch.zeros_like(local) for _ in range(world)]
    dist.all_gather(gathered, local)
    mean = torch.stack(gathered).mean(dim=0)

    optimizer.zero_grad()
    loss_fn(trained(x), y).backward()
    ddp_grad = torch.cat([p.grad.flatten() for p in model.parameters()])
    optimizer.step()

    result = {
        "rank": rank,
        "world": world,
        "weights_sha256": weights_hash(model),
        "max_gap_to_mean_gradient": (ddp_grad - mean).abs().max().item(),
        "max_gap_to_local_gradient": (ddp_grad - local).abs().max().item(),
        "allreduce_seconds": timer.seconds,
    }
    (out / f"rank-{rank}.json").write_text(json.dumps(result), encoding="utf-8")
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
