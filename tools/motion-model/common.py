"""Shared bits of the motion-model tools: the network and the preprocessing.

Input: NCTHW float32 [N, 3, 16, 64, 64], RGB, v/255 then (v - 0.5) / 0.25 per channel, so a mid-grey
voxel (v/255 = 0.5) is exactly 0 after normalisation. Output: logits [N, 4] (left, right, up, down).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]

# (in, out, kernel (t,h,w), stride (t,h,w), padding (t,h,w)) Conv3d+BN+ReLU blocks.
# [3,16,64,64] -> 16x16x16 (3-frame x 4x4 patches) -> 8x16x16 -> 8x8x8 -> 8x8x8 (last map, K=48)
CFG = [
    (3, 16, (3, 4, 4), (1, 4, 4), (1, 0, 0)),
    (16, 24, (3, 3, 3), (2, 1, 1), (1, 1, 1)),
    (24, 32, (3, 3, 3), (1, 2, 2), (1, 1, 1)),
    (32, 48, (3, 3, 3), (1, 1, 1), (1, 1, 1)),
]


class TemporalCentre(nn.Module):
    """x - mean over time, per pixel and channel (ONNX: ReduceMean axes=[2] keepdims + Sub).
    Removes everything static (background, static distractors, the colour of the scene), so the
    convolutions see only what changes. Without it the net did not start learning within our budget:
    the objects' random colours against random backgrounds swamp the small moving edges."""

    def forward(self, x):
        return x - x.mean(dim=2, keepdim=True)


class MotionNet(nn.Module):
    """Tiny 3-D CNN: TemporalCentre, 4 x (Conv3d [+BN] + ReLU), head = global average pool over (t, h, w) -> Flatten -> one Linear (Gemm),
    the form the engine reads 3-D Grad-CAM++ from."""

    def __init__(self, num_classes: int = 4, fused: bool = False):
        super().__init__()
        layers: list[nn.Module] = []
        for i, o, k, s, p in CFG:
            if fused:  # inference form: BN folded into the conv (what the ONNX export holds)
                layers += [nn.Conv3d(i, o, k, s, p, bias=True), nn.ReLU(inplace=True)]
            else:
                layers += [nn.Conv3d(i, o, k, s, p, bias=False), nn.BatchNorm3d(o), nn.ReLU(inplace=True)]
        self.centre = TemporalCentre()
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(CFG[-1][1], num_classes)

    def forward(self, x):
        x = self.features(self.centre(x))  # [N, K, t, h, w]
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def to_tensor(clips_u8: np.ndarray) -> torch.Tensor:
    """[N,T,H,W,3] uint8 RGB -> normalised NCTHW float32."""
    x = torch.from_numpy(np.ascontiguousarray(clips_u8)).permute(0, 4, 1, 2, 3).float() / 255.0
    mean = torch.tensor(MEAN).view(1, 3, 1, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1, 1)
    return ((x - mean) / std).contiguous()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch: int = 100) -> torch.Tensor:
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def fused_from_onnx(path: str) -> MotionNet:
    """Rebuild the exported network in torch from the ONNX file's own weights (Debian's python has
    no onnxruntime): Conv initializers in graph order, then the Gemm's."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    convs, gemm = [], None
    for node in m.graph.node:
        if node.op_type == "Conv":
            convs.append((inits[node.input[1]], inits[node.input[2]]))
        elif node.op_type == "Gemm":
            gemm = (inits[node.input[1]], inits[node.input[2]])
    net = MotionNet(num_classes=gemm[0].shape[0], fused=True)
    mods = [mod for mod in net.features if isinstance(mod, nn.Conv3d)]
    assert len(mods) == len(convs)
    for mod, (w, b) in zip(mods, convs):
        mod.weight.data = torch.from_numpy(w.copy())
        mod.bias.data = torch.from_numpy(b.copy())
    net.fc.weight.data = torch.from_numpy(gemm[0].copy())
    net.fc.bias.data = torch.from_numpy(gemm[1].copy())
    return net.eval()
