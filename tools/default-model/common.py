"""Shared bits of the default-model tools: the network, preprocessing, occlusion helpers.

Input: NCHW float32 [N,3,112,112], RGB, v/255 then (v - 0.5) / 0.25 per channel, so a mid-grey
baseline (v/255 = 0.5) is exactly 0 after normalisation. Output: logits [N, 6].
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]
RES = 112

# (in, out, stride) conv3x3+BN+ReLU blocks, 'M' = 2x2 max-pool. 112 -> 56 -> 28 -> 14.
CFG = [(3, 24, 2), (24, 32, 1), "M", (32, 64, 1), (64, 64, 1), "M", (64, 128, 1), (128, 128, 1)]


class ShapesNet(nn.Module):
    """Small VGG-ish CNN; head = GlobalAveragePool -> Flatten -> one Linear (Gemm), for Grad-CAM."""

    def __init__(self, num_classes: int = 6, fused: bool = False):
        super().__init__()
        layers: list[nn.Module] = []
        for item in CFG:
            if item == "M":
                layers.append(nn.MaxPool2d(2))
                continue
            i, o, s = item
            if fused:  # inference form: BN folded into the conv (what the ONNX export holds)
                layers += [nn.Conv2d(i, o, 3, s, 1, bias=True), nn.ReLU(inplace=True)]
            else:
                layers += [nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(CFG[-1][1], num_classes)

    def forward(self, x):
        x = self.features(x)
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def to_tensor(images_u8: np.ndarray) -> torch.Tensor:
    """[N,H,W,3] uint8 RGB -> normalised NCHW float32, exactly as the TypeScript preprocess does."""
    x = torch.from_numpy(np.ascontiguousarray(images_u8)).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def half_occlusion(boxes, rng, res: int = RES) -> np.ndarray:
    """Keep-mask (1 = visible, 0 = grey) hiding one half (random side) of each box [x0,y0,x1,y1)."""
    keep = np.ones((res, res), dtype=np.float32)
    for x0, y0, x1, y1 in boxes:
        side = int(rng.integers(4))
        xm = (x0 + x1) / 2.0
        ym = (y0 + y1) / 2.0
        if side == 0:
            keep[y0:y1, x0:int(round(xm))] = 0
        elif side == 1:
            keep[y0:y1, int(round(xm)):x1] = 0
        elif side == 2:
            keep[y0:int(round(ym)), x0:x1] = 0
        else:
            keep[int(round(ym)):y1, x0:x1] = 0
    return keep


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch: int = 250) -> torch.Tensor:
    model.eval()
    out = [model(x[i:i + batch]) for i in range(0, len(x), batch)]
    return torch.cat(out)


def fused_from_onnx(path: str) -> ShapesNet:
    """Rebuild the exported network in torch from the ONNX file's own weights (no onnxruntime in
    Debian's python): Conv initializers in graph order, then the Gemm's."""
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
    net = ShapesNet(num_classes=gemm[0].shape[0], fused=True)
    conv_mods = [mod for mod in net.features if isinstance(mod, nn.Conv2d)]
    assert len(conv_mods) == len(convs)
    for mod, (w, b) in zip(conv_mods, convs):
        mod.weight.data = torch.from_numpy(w.copy())
        mod.bias.data = torch.from_numpy(b.copy())
    net.fc.weight.data = torch.from_numpy(gemm[0].copy())
    net.fc.bias.data = torch.from_numpy(gemm[1].copy())
    return net.eval()
