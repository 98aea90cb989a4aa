#!/usr/bin/python3
"""Export small ONNX classifiers with random weights and PyTorch-autograd Grad-CAM / Grad-CAM++ maps.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 tools/graph/export_cam_models.py [--out test/fixtures/graph]

What it writes (all little-endian float32 unless noted), consumed by test/unit/graph/*.test.ts:

* ``<case>.onnx``            the model (dynamic batch axis ``N``);
* ``<case>.gradcam.bin``     Grad-CAM map, upsampled to the input size and min-max scaled;
* ``<case>.gradcampp.bin``   Grad-CAM++ map, same;
* ``input2d.bin`` / ``input3d.bin`` the inputs (shared by all 2-D / all 3-D cases);
* ``upsample.json``          reference values of ``F.interpolate`` (bilinear / trilinear,
                             ``align_corners=False``) for the engine's resampler;
* ``manifest.json``          one entry per case: architecture, head variant, target class, dims,
                             files, the ops the head walker must report, or the refusal expected.

Why the models are narrow: the real torchvision architectures (resnet18, efficientnet_b0,
densenet121, mobilenet_v3_small, r3d_18) are 10-130 MB each with their native widths.  They are
built here from the torchvision classes with the same topology (same blocks, depths, strides,
head code and therefore the same exported head ops) but fewer channels, so every committed ONNX
file is tens to hundreds of kB.  The head variants that torch's exporter can produce (Gemm,
MatMul+Add, Flatten / Reshape / Squeeze, ReduceMean vs GlobalAveragePool, Softmax) are exported
from small wrappers around the narrow ResNet-18 backbone; the variants torch 1.13 cannot produce
(ReduceMean with axes as an input at opset 18, Gemm with transB=0, QDQ and QLinear quantised heads)
are made by rewriting an exported graph with the onnx helper API, with the PyTorch reference
model given exactly the (de)quantised weights that the ONNX head holds.

Grad-CAM / Grad-CAM++ reference: a real backward pass.  The feature map A (the tensor the head
pools) gets a tensor hook (``A.register_hook``) that stores dy_c/dA; then, in float64,
  Grad-CAM:   w_k = mean_ij g_k(i,j);                 L = ReLU(sum_k w_k A_k)
  Grad-CAM++: a_k(i,j) = g^2 / (2 g^2 + sum_ab A_k(a,b) g^3)   (0 where the denominator <= 0)
              w_k = sum_ij a_k(i,j) ReLU(g_k(i,j));   L = ReLU(sum_k w_k A_k)
(the exp(y_c) of the paper cancels), then F.interpolate(..., mode='bilinear' | 'trilinear',
align_corners=False) to the input size and min-max scaling (an all-equal map becomes zeros).

DenseNet: torchvision's DenseNet.forward applies F.relu to features (after norm5) and then pools.
The engine's A is always the tensor that is pooled, i.e. the ReLU output; the ReLU sits before
the pooling, inside the feature extractor, so the head walker never sees it and accepts the
model.  The autograd reference hooks the same post-ReLU tensor.  (Hooking norm5 instead would
give gradients W/Z masked by A>0, which is not constant per channel: that is a different map and
no closed form reproduces it.)  A ReLU *between* pooling and the linear layer is refused.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.models.video.resnet import BasicBlock as VBasicBlock
from torchvision.models.video.resnet import Conv3DSimple, VideoResNet

import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20240611
H2D = W2D = 96           # 2-D input: 96x96 -> 3x3 feature maps for stride-32 networks
T3D, H3D, W3D = 16, 40, 40  # 3-D input: 16x40x40 -> 2x3x3 feature maps for r3d_18
NUM_CLASSES = 20
OPSET = 13


# --------------------------------------------------------------------------------------------
# Narrow versions of the torchvision architectures (same topology, fewer channels)
# --------------------------------------------------------------------------------------------
class NarrowResNet(ResNet):
    """torchvision ResNet with every width divided by ``div`` (ResNet-18: BasicBlock, [2,2,2,2])."""

    def __init__(self, div: int, num_classes: int):
        self._div = div
        super().__init__(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
        c0 = 64 // div
        self.conv1 = nn.Conv2d(3, c0, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(c0)
        self.fc = nn.Linear(512 // div, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):  # noqa: D401
        if planes == 64:
            self.inplanes = 64 // self._div
        return super()._make_layer(block, planes // self._div, blocks, stride, dilate)


class NarrowVideoResNet(VideoResNet):
    """torchvision r3d_18 (VideoResNet, BasicBlock, Conv3DSimple x4, [2,2,2,2]) with widths / div."""

    def __init__(self, div: int, num_classes: int):
        self._div = div
        c0 = 64 // div

        def stem():
            return nn.Sequential(
                nn.Conv3d(3, c0, kernel_size=(3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), bias=False),
                nn.BatchNorm3d(c0),
                nn.ReLU(inplace=True),
            )

        super().__init__(VBasicBlock, [Conv3DSimple] * 4, [2, 2, 2, 2], stem, num_classes=num_classes)
        self.fc = nn.Linear(512 // div, num_classes)

    def _make_layer(self, block, conv_builder, planes, blocks, stride=1):
        if planes == 64:
            self.inplanes = 64 // self._div
        return super()._make_layer(block, conv_builder, planes // self._div, blocks, stride)


def narrow_efficientnet_b0(width_mult: float, num_classes: int) -> nn.Module:
    from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf

    setting, last_channel = _efficientnet_conf("efficientnet_b0", width_mult=width_mult, depth_mult=1.0)
    return EfficientNet(setting, dropout=0.2, last_channel=last_channel, num_classes=num_classes)


def narrow_densenet121(num_classes: int) -> nn.Module:
    # densenet121 topology: block_config (6, 12, 24, 16); growth 32 -> 4, init features 64 -> 8,
    # bottleneck width factor 4 -> 2.
    return torchvision.models.DenseNet(
        growth_rate=4, block_config=(6, 12, 24, 16), num_init_features=8, bn_size=2, num_classes=num_classes
    )


def narrow_mobilenet_v3_small(num_classes: int) -> nn.Module:
    return torchvision.models.mobilenet_v3_small(weights=None, width_mult=0.25, num_classes=num_classes)


def randomise(model: nn.Module) -> nn.Module:
    """Random but non-trivial weights: BatchNorm statistics and affine parameters are randomised
    too (torchvision initialises them to the identity), and linear layers get a larger spread so
    that class scores differ visibly."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d)):
            with torch.no_grad():
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.6, 1.4)
                m.bias.normal_(0.0, 0.1)
        elif isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.normal_(0.0, 1.0 / np.sqrt(m.in_features))
                m.bias.normal_(0.0, 0.1)
    return model.eval()


# --------------------------------------------------------------------------------------------
# Feature / head split used for the autograd reference
# --------------------------------------------------------------------------------------------
def resnet_features(m, x):
    x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
    return m.layer4(m.layer3(m.layer2(m.layer1(x))))


def resnet_head(m, a):
    return m.fc(torch.flatten(m.avgpool(a), 1))


def video_features(m, x):
    return m.layer4(m.layer3(m.layer2(m.layer1(m.stem(x)))))


def efficientnet_features(m, x):
    return m.features(x)


def efficientnet_head(m, a):
    return m.classifier(torch.flatten(m.avgpool(a), 1))


def densenet_features(m, x):
    return F.relu(m.features(x))  # the tensor that DenseNet.forward pools (post-ReLU)


def densenet_head(m, a):
    return m.classifier(torch.flatten(F.adaptive_avg_pool2d(a, (1, 1)), 1))


class Wrapper(nn.Module):
    """A backbone plus a hand-written head, to make the exporter emit a given head variant."""

    def __init__(self, net, features_fn, head_fn):
        super().__init__()
        self.net = net
        self._features = features_fn
        self._head = head_fn

    def features(self, x):
        return self._features(self.net, x)

    def head(self, a):
        return self._head(self.net, a)

    def forward(self, x):
        return self.head(self.features(x))


# head variants over the narrow ResNet-18 backbone (``m`` is the NarrowResNet)
def head_reducemean_matmul_add(m, a):
    # ReduceMean(axes=[2,3], keepdims=0) -> MatMul(weight [K,C]) -> Add(bias)
    return torch.matmul(a.mean(dim=(2, 3)), m.fc.weight.t()) + m.fc.bias


def head_reducemean_keepdims_squeeze_softmax(m, a):
    # ReduceMean(keepdims=1) -> Squeeze -> Squeeze -> Gemm -> Softmax
    p = a.mean(dim=(2, 3), keepdim=True).squeeze(-1).squeeze(-1)
    return torch.softmax(m.fc(p), dim=1)


def logits_reducemean_keepdims_squeeze(m, a):
    # the same head without the Softmax: Grad-CAM differentiates the class score (logit), not the
    # probability, so the reference backpropagates from here
    return m.fc(a.mean(dim=(2, 3), keepdim=True).squeeze(-1).squeeze(-1))


def head_gap_reshape(m, a):
    # GlobalAveragePool -> Reshape (shape computed by Shape/Gather/Unsqueeze/Concat) -> Gemm
    p = m.avgpool(a)
    return m.fc(p.reshape(p.shape[0], -1))


def head_video_reducemean_matmul(m, a):
    # 5-D ReduceMean(axes=[2,3,4], keepdims=0) -> MatMul -> Add
    return torch.matmul(a.mean(dim=(2, 3, 4)), m.fc.weight.t()) + m.fc.bias


# --------------------------------------------------------------------------------------------
# Autograd Grad-CAM / Grad-CAM++
# --------------------------------------------------------------------------------------------
def autograd_cams(features_fn, head_fn, x: torch.Tensor, target: int):
    """Returns (gradcam_lowres, gradcampp_lowres, logits), float64, from a real backward pass."""
    store = {}
    a = features_fn(x)
    a.register_hook(lambda g: store.__setitem__("grad", g))
    y = head_fn(a)
    y[0, target].backward()
    g = store["grad"][0].detach()           # K x spatial
    A = a[0].detach()
    spatial = tuple(range(1, A.dim()))
    # Grad-CAM
    w = g.mean(dim=spatial)
    shape = (-1,) + (1,) * (A.dim() - 1)
    cam = torch.relu((w.view(shape) * A).sum(0))
    # Grad-CAM++
    g2, g3 = g * g, g * g * g
    sum_a = A.sum(dim=spatial).view(shape)
    denom = 2 * g2 + sum_a * g3
    alpha = torch.where(denom > 0, g2 / torch.where(denom > 0, denom, torch.ones_like(denom)), torch.zeros_like(denom))
    wpp = (alpha * torch.relu(g)).sum(dim=spatial)
    campp = torch.relu((wpp.view(shape) * A).sum(0))
    return cam, campp, y.detach()


def upsample_and_scale(m: torch.Tensor, size) -> np.ndarray:
    mode = "bilinear" if len(size) == 2 else "trilinear"
    up = F.interpolate(m[None, None], size=size, mode=mode, align_corners=False)[0, 0]
    lo, hi = up.min(), up.max()
    if hi > lo:
        up = (up - lo) / (hi - lo)
    else:
        up = torch.zeros_like(up)
    return up.numpy().astype(np.float32)


def choose_target(features_fn, head_fn, x):
    """The highest-scoring class whose two maps are both non-degenerate (not all zero, and with a
    real spread), so that the comparison means something."""
    with torch.no_grad():
        logits = head_fn(features_fn(x))[0]
    for c in torch.argsort(logits, descending=True).tolist():
        cam, campp, _ = autograd_cams(features_fn, head_fn, x, c)
        ok = all(float(m.max()) > 0 and int((m > 0.05 * m.max()).sum()) >= 2 for m in (cam, campp))
        if ok:
            return c
    raise RuntimeError("no class with a non-degenerate map")


# --------------------------------------------------------------------------------------------
# ONNX export and rewrites
# --------------------------------------------------------------------------------------------
def export(model: nn.Module, x: torch.Tensor, path: str, opset: int = OPSET):
    torch.onnx.export(
        model,
        x,
        path,
        opset_version=opset,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
        do_constant_folding=True,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def ops_of(m: onnx.ModelProto):
    return [n.op_type for n in m.graph.node]


def inits(m):
    return {t.name: t for t in m.graph.initializer}


def find_node(m, op):
    nodes = [n for n in m.graph.node if n.op_type == op]
    assert len(nodes) == 1, (op, len(nodes))
    return nodes[0]


def rewrite_opset18_reducemean_gemm_transb0(m: onnx.ModelProto) -> onnx.ModelProto:
    """ReduceMean axes attribute -> axes input (opset 18); Gemm transB=1 -> transB=0."""
    m = copy.deepcopy(m)
    rm = find_node(m, "ReduceMean")
    axes = [a for a in rm.attribute if a.name == "axes"][0]
    ax = list(axes.ints)
    rm.attribute.remove(axes)
    m.graph.initializer.append(numpy_helper.from_array(np.array(ax, dtype=np.int64), "head_axes"))
    rm.input.append("head_axes")
    gemm = find_node(m, "Gemm")
    tb = [a for a in gemm.attribute if a.name == "transB"][0]
    assert tb.i == 1
    tb.i = 0
    w = inits(m)[gemm.input[1]]
    wt = numpy_helper.to_array(w).T.copy()
    w.CopyFrom(numpy_helper.from_array(wt, w.name))
    for o in m.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = 18
    m.ir_version = 8
    return m


def quantise_per_column(w_kc: np.ndarray):
    """Symmetric int8 per output column: W[k,c] ~ q[k,c] * s[c] (zero point 0)."""
    s = np.abs(w_kc).max(axis=0) / 127.0
    q = np.clip(np.round(w_kc / s), -127, 127).astype(np.int8)
    return q, s.astype(np.float32)


def head_tail(m: onnx.ModelProto, first_head_op: str):
    """Nodes before the first ``first_head_op`` node, and that node's input tensor name."""
    nodes = list(m.graph.node)
    idx = [i for i, n in enumerate(nodes) if n.op_type == first_head_op][-1]
    return nodes[:idx], nodes[idx].input[0]


def rewrite_qdq_head(m: onnx.ModelProto, wq: np.ndarray, ws: np.ndarray, bq: np.ndarray, bs: np.ndarray, calib: dict) -> onnx.ModelProto:
    """GlobalAveragePool -> Flatten -> QuantizeLinear -> DequantizeLinear -> MatMul(DequantizeLinear(W int8,
    per-column scale, axis=1)) -> Add(DequantizeLinear(b int32, scale = input scale x weight scale, axis=0)),
    as ORT's QDQ quantiser writes it (onnxruntime's QDQ fusion relies on that bias scale)."""
    m = copy.deepcopy(m)
    body, a_name = head_tail(m, "GlobalAveragePool")
    gemm = find_node(m, "Gemm")
    keep = {t.name for t in m.graph.initializer} - set(gemm.input[1:])
    new_inits = [t for t in m.graph.initializer if t.name in keep]
    k, c = wq.shape
    new_inits += [
        numpy_helper.from_array(wq, "fc_w_q"),
        numpy_helper.from_array(ws, "fc_w_scale"),
        numpy_helper.from_array(np.zeros(c, np.int8), "fc_w_zp"),
        numpy_helper.from_array(bq, "fc_b_q"),
        numpy_helper.from_array(bs.astype(np.float32), "fc_b_scale"),
        numpy_helper.from_array(np.zeros(c, np.int32), "fc_b_zp"),
        numpy_helper.from_array(np.array(calib["pool_scale_s8"], np.float32), "pool_scale"),
        numpy_helper.from_array(np.array(0, np.int8), "pool_zp"),
    ]
    nodes = body + [
        helper.make_node("GlobalAveragePool", [a_name], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("QuantizeLinear", ["flat", "pool_scale", "pool_zp"], ["flat_q"]),
        helper.make_node("DequantizeLinear", ["flat_q", "pool_scale", "pool_zp"], ["flat_dq"]),
        helper.make_node("DequantizeLinear", ["fc_w_q", "fc_w_scale", "fc_w_zp"], ["fc_w"], axis=1),
        helper.make_node("DequantizeLinear", ["fc_b_q", "fc_b_scale", "fc_b_zp"], ["fc_b"], axis=0),
        helper.make_node("MatMul", ["flat_dq", "fc_w"], ["mm"]),
        helper.make_node("Add", ["mm", "fc_b"], ["output"]),
    ]
    g = helper.make_graph(nodes, m.graph.name, list(m.graph.input), list(m.graph.output), new_inits)
    out = helper.make_model(g, opset_imports=list(m.opset_import), producer_name="export_cam_models.py")
    out.ir_version = m.ir_version
    onnx.checker.check_model(out)
    return out


def rewrite_qlinear_head(m: onnx.ModelProto, wq: np.ndarray, ws: np.ndarray, bq: np.ndarray, bs: float, calib: dict) -> onnx.ModelProto:
    """float A -> QuantizeLinear -> QLinearGlobalAveragePool (com.microsoft) -> Flatten -> QLinearMatMul
    (uint8 x int8, per-column weight scale) -> QLinearAdd (com.microsoft) -> DequantizeLinear, the form
    of the ONNX Model Zoo's quantised MobileNetV2 (there A is a DequantizeLinear output instead)."""
    m = copy.deepcopy(m)
    body, a_name = head_tail(m, "GlobalAveragePool")
    gemm = find_node(m, "Gemm")
    keep = {t.name for t in m.graph.initializer} - set(gemm.input[1:])
    new_inits = [t for t in m.graph.initializer if t.name in keep]
    k, c = wq.shape
    f32 = lambda v, n: numpy_helper.from_array(np.array(v, np.float32), n)  # noqa: E731
    u8 = lambda v, n: numpy_helper.from_array(np.array(v, np.uint8), n)  # noqa: E731
    new_inits += [
        f32(calib["a_scale"], "a_scale"), u8(0, "a_zp"),
        f32(calib["p_scale"], "p_scale"), u8(0, "p_zp"),
        numpy_helper.from_array(wq, "fc_w_q"),
        numpy_helper.from_array(ws, "fc_w_scale"),
        numpy_helper.from_array(np.zeros(c, np.int8), "fc_w_zp"),
        f32(calib["mm_scale"], "mm_scale"), u8(calib["mm_zp"], "mm_zp"),
        numpy_helper.from_array(bq, "fc_b_q"),
        f32(bs, "fc_b_scale"), u8(128, "fc_b_zp"),
        f32(calib["y_scale"], "y_scale"), u8(calib["y_zp"], "y_zp"),
    ]
    nodes = body + [
        helper.make_node("QuantizeLinear", [a_name, "a_scale", "a_zp"], ["a_q"]),
        helper.make_node("QLinearGlobalAveragePool", ["a_q", "a_scale", "a_zp", "p_scale", "p_zp"], ["p_q"],
                         domain="com.microsoft", channels_last=0),
        helper.make_node("Flatten", ["p_q"], ["flat_q"], axis=1),
        helper.make_node("QLinearMatMul", ["flat_q", "p_scale", "p_zp", "fc_w_q", "fc_w_scale", "fc_w_zp",
                                           "mm_scale", "mm_zp"], ["mm_q"]),
        helper.make_node("QLinearAdd", ["mm_q", "mm_scale", "mm_zp", "fc_b_q", "fc_b_scale", "fc_b_zp",
                                        "y_scale", "y_zp"], ["y_q"], domain="com.microsoft"),
        helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"], ["output"]),
    ]
    g = helper.make_graph(nodes, m.graph.name, list(m.graph.input), list(m.graph.output), new_inits)
    opsets = list(m.opset_import) + [helper.make_opsetid("com.microsoft", 1)]
    out = helper.make_model(g, opset_imports=opsets, producer_name="export_cam_models.py")
    out.ir_version = m.ir_version
    return out


# --------------------------------------------------------------------------------------------
# Small refusal models
# --------------------------------------------------------------------------------------------
class TinyConv(nn.Module):
    def __init__(self, head: str):
        super().__init__()
        self.head_kind = head
        self.conv = nn.Conv2d(3, 4, 3, stride=4, padding=1)
        if head == "flatten_gemm":          # no pooling: Flatten -> Gemm over the whole map
            self.fc = nn.Linear(4 * 4 * 4, 5)
        elif head == "two_linear":          # GAP -> Gemm -> Gemm
            self.fc1 = nn.Linear(4, 6)
            self.fc = nn.Linear(6, 5)
        elif head == "relu_between":        # GAP -> Relu -> Gemm
            self.fc = nn.Linear(4, 5)
        elif head == "partial_mean":        # ReduceMean over the width only
            self.fc = nn.Linear(4 * 4, 5)
        else:
            raise ValueError(head)

    def forward(self, x):
        a = torch.relu(self.conv(x))
        if self.head_kind == "flatten_gemm":
            return self.fc(torch.flatten(a, 1))
        if self.head_kind == "two_linear":
            return self.fc(self.fc1(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1)))
        if self.head_kind == "relu_between":
            return self.fc(torch.relu(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1)))
        return self.fc(torch.flatten(a.mean(dim=3), 1))


# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# Synthetic heads on a tiny float backbone, built with the onnx helper API: they exercise operand
# forms that exporters write but torch 1.13 does not (Gemm alpha/beta, bias [1,C], Constant and
# Transpose weights, bias-first Add, DequantizeLinear weights under a Gemm, LogSoftmax, negative
# ReduceMean axes, Squeeze with axes, 5-D maps, [1,C] QLinearMatMul scales without QLinearAdd).  The test checks the
# extracted W and b against the values stored here and the reconstruction against onnxruntime.
# --------------------------------------------------------------------------------------------
def synthetic_cases(rng: np.random.Generator):
    K, C = 4, 5
    cases = []

    # one backbone (Conv + Relu -> A) and one stored input per rank; A is computed here with torch so
    # that the quantised head can be calibrated like a post-training quantiser would
    bb = {}
    for rank, in_dims in [(4, [2, 3, 16, 16]), (5, [2, 3, 8, 16, 16])]:
        w = rng.normal(0, 0.5, (K, 3) + (3,) * (rank - 2)).astype(np.float32)
        b = rng.normal(0, 0.2, K).astype(np.float32)
        x = rng.normal(0, 1, in_dims).astype(np.float32)
        conv = F.conv2d if rank == 4 else F.conv3d
        a = torch.relu(conv(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=4, padding=1)).numpy()
        bb[rank] = {"w": w, "b": b, "x": x, "a": a, "inputDims": in_dims, "input": f"synthetic_input{rank - 2}d.bin"}

    def backbone(rank):
        d = bb[rank]
        sym = ["N"] + d["inputDims"][1:]
        inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, sym)
        conv = helper.make_node("Conv", ["input", "bb_w", "bb_b"], ["conv"], strides=[4] * (rank - 2), pads=[1] * (2 * (rank - 2)))
        nodes = [conv, helper.make_node("Relu", ["conv"], ["A"])]
        return inp, nodes, [numpy_helper.from_array(d["w"], "bb_w"), numpy_helper.from_array(d["b"], "bb_b")]

    def model(name, rank, head_nodes, head_inits, wkc, bias, ops, opset=13, extra_opsets=(), notes=""):
        inp, nodes, inits_ = backbone(rank)
        out = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", C])
        g = helper.make_graph(nodes + head_nodes, name, [inp], [out], inits_ + head_inits)
        opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
        m = helper.make_model(g, opset_imports=opsets, producer_name="export_cam_models.py")
        m.ir_version = 8
        cases.append((name, m, {"rank": rank, "expectWeights": [float(v) for v in wkc.flatten()],
                                "expectBias": [float(v) for v in bias], "headOps": ops, "notes": notes,
                                "inputDims": bb[rank]["inputDims"], "input": bb[rank]["input"]}))

    W = rng.normal(0, 1, (K, C)).astype(np.float32)
    B = rng.normal(0, 0.5, C).astype(np.float32)
    T = numpy_helper.from_array

    # Gemm alpha/beta, transB=1, bias [1, C]
    model("syn_gemm_alpha_beta", 4, [
        helper.make_node("GlobalAveragePool", ["A"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "W", "B"], ["output"], alpha=0.5, beta=2.0, transB=1),
    ], [T(W.T.copy(), "W"), T(B[None, :].copy(), "B")], 0.5 * W, 2.0 * B, ["GlobalAveragePool", "Flatten", "Gemm"],
        notes="Gemm alpha 0.5, beta 2, transB 1, bias [1,C]")
    # Constant node weight through Transpose, bias-first Add, LogSoftmax, ReduceMean negative axes
    model("syn_const_transpose_logsoftmax", 4, [
        helper.make_node("ReduceMean", ["A"], ["p"], axes=[-2, -1], keepdims=0),
        helper.make_node("Constant", [], ["Wt"], value=T(W.T.copy(), "Wt")),
        helper.make_node("Transpose", ["Wt"], ["Wkc"], perm=[1, 0]),
        helper.make_node("MatMul", ["p", "Wkc"], ["mm"]),
        helper.make_node("Constant", [], ["Bc"], value=T(B, "Bc")),
        helper.make_node("Add", ["Bc", "mm"], ["logits"]),
        helper.make_node("LogSoftmax", ["logits"], ["output"], axis=1),
    ], [], W, B, ["ReduceMean", "MatMul", "Add", "LogSoftmax"],
        notes="ReduceMean axes [-2,-1]; MatMul(x, Transpose(Constant)); Add(bias, x); LogSoftmax")
    # DequantizeLinear weights (per-tensor int8) under a Gemm transB=0; GAP keepdims -> Squeeze(axes)
    s = float(np.abs(W).max() / 127)
    Wq = np.clip(np.round(W / s), -127, 127).astype(np.int8)
    model("syn_dq_gemm_squeeze", 4, [
        helper.make_node("GlobalAveragePool", ["A"], ["p"]),
        helper.make_node("Squeeze", ["p", "sq_axes"], ["f"]),
        helper.make_node("DequantizeLinear", ["Wq", "Ws", "Wz"], ["Wd"]),
        helper.make_node("Gemm", ["f", "Wd", "B"], ["logits"]),
        helper.make_node("QuantizeLinear", ["logits", "y_s", "y_z"], ["logits_q"]),
        helper.make_node("DequantizeLinear", ["logits_q", "y_s", "y_z"], ["output"]),
    ], [T(Wq, "Wq"), T(np.array(s, np.float32), "Ws"), T(np.array(0, np.int8), "Wz"), T(B, "B"),
        T(np.array([2, 3], np.int64), "sq_axes"), T(np.array(0.05, np.float32), "y_s"), T(np.array(0, np.int8), "y_z")],
        Wq.astype(np.float32) * np.float32(s), B,
        ["GlobalAveragePool", "Squeeze", "Gemm", "QuantizeLinear", "DequantizeLinear"],
        notes="Squeeze with axes input; Gemm(transB=0) of DequantizeLinear(int8); QDQ on the logits")
    # 5-D: GlobalAveragePool -> Reshape(constant shape [0, -1]) -> MatMul (no bias)
    model("syn_video_reshape_matmul", 5, [
        helper.make_node("GlobalAveragePool", ["A"], ["p"]),
        helper.make_node("Reshape", ["p", "shape"], ["f"]),
        helper.make_node("MatMul", ["f", "W"], ["output"]),
    ], [T(W, "W"), T(np.array([0, -1], np.int64), "shape")], W, np.zeros(C, np.float32),
        ["GlobalAveragePool", "Reshape", "MatMul"], notes="5-D map, constant Reshape, MatMul without bias")
    # QLinearMatMul with a [1, C] (2-D per-column) weight scale / zero point and no QLinearAdd
    ws_col = (np.abs(W).max(axis=0) / 127).astype(np.float32)
    Wq_col = np.clip(np.round(W / ws_col[None, :]), -127, 127).astype(np.int8)
    a_cal = bb[4]["a"]
    p_cal = a_cal.mean(axis=(2, 3))
    y_cal = p_cal @ (Wq_col.astype(np.float32) * ws_col[None, :])
    y_lo, y_hi = min(float(y_cal.min()), 0.0), max(float(y_cal.max()), 0.0)
    y_s = (y_hi - y_lo) / 255
    y_z = int(round(-y_lo / y_s))
    model("syn_qlinear_no_bias", 4, [
        helper.make_node("QuantizeLinear", ["A", "a_s", "a_z"], ["Aq"]),
        helper.make_node("QLinearGlobalAveragePool", ["Aq", "a_s", "a_z", "p_s", "p_z"], ["pq"], domain="com.microsoft",
                         channels_last=0),
        helper.make_node("Flatten", ["pq"], ["fq"], axis=1),
        helper.make_node("QLinearMatMul", ["fq", "p_s", "p_z", "Wq", "Ws", "Wz", "y_s", "y_z"], ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "y_s", "y_z"], ["output"]),
    ], [T(np.array(a_cal.max() / 255, np.float32), "a_s"), T(np.array(0, np.uint8), "a_z"),
        T(np.array(p_cal.max() / 255, np.float32), "p_s"), T(np.array(0, np.uint8), "p_z"),
        T(Wq_col, "Wq"), T(ws_col[None, :].copy(), "Ws"), T(np.zeros((1, C), np.int8), "Wz"),
        T(np.array(y_s, np.float32), "y_s"), T(np.array(y_z, np.uint8), "y_z")],
        Wq_col.astype(np.float32) * ws_col[None, :], np.zeros(C, np.float32),
        ["QuantizeLinear", "QLinearGlobalAveragePool", "Flatten", "QLinearMatMul", "DequantizeLinear"],
        extra_opsets=[("com.microsoft", 1)], notes="QLinearMatMul with a [1,C] weight scale / zero point, no QLinearAdd")
    # no shape information at all: the input has no shape and A = Relu(input), so the rank of A is
    # unknown until the model runs (the engine assumes 4 and the session corrects it to 5)
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, None)
    out = helper.make_tensor_value_info("output", TensorProto.FLOAT, None)
    Wk3 = rng.normal(0, 1, (3, C)).astype(np.float32)
    g = helper.make_graph([
        helper.make_node("Relu", ["input"], ["A"]),
        helper.make_node("GlobalAveragePool", ["A"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "W", "B"], ["output"]),
    ], "syn_unknown_rank", [inp], [out], [T(Wk3, "W"), T(B, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="export_cam_models.py")
    m.ir_version = 8
    cases.append(("syn_unknown_rank", m, {"rank": 5, "rankKnown": False, "expectWeights": [float(v) for v in Wk3.flatten()],
                                          "expectBias": [float(v) for v in B], "headOps": ["GlobalAveragePool", "Flatten", "Gemm"],
                                          "notes": "no shapes anywhere: rank found at run time",
                                          "inputDims": bb[5]["inputDims"], "input": bb[5]["input"]}))
    return cases, bb


def f32_file(path: str, arr: np.ndarray):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "graph"))
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)

    # Inputs: smooth random images (low-resolution noise upsampled) so the maps have structure.
    x2 = F.interpolate(torch.randn(1, 3, 12, 12), size=(H2D, W2D), mode="bilinear", align_corners=False)
    x2 = x2 + 0.1 * torch.randn_like(x2)
    x3 = F.interpolate(torch.randn(1, 3, 4, 10, 10), size=(T3D, H3D, W3D), mode="trilinear", align_corners=False)
    x3 = x3 + 0.1 * torch.randn_like(x3)
    f32_file(os.path.join(out, "input2d.bin"), x2.numpy())
    f32_file(os.path.join(out, "input3d.bin"), x3.numpy())

    cases = []

    def cam_case(name, arch, variant, net_for_export, features_fn, head_fn, x, head_ops, onnx_model=None,
                 opset=OPSET, notes=""):
        """features_fn / head_fn work on the float64 copy ``ref`` of the network."""
        path = os.path.join(out, f"{name}.onnx")
        if onnx_model is None:
            mdl = export(net_for_export, x, path, opset)
        else:
            mdl = onnx_model
            onnx.save(mdl, path)
        xd = x.double()
        target = choose_target(features_fn, head_fn, xd)
        cam, campp, logits = autograd_cams(features_fn, head_fn, xd, target)
        with torch.no_grad():
            fdims = list(features_fn(xd).shape)
        size = tuple(x.shape[2:])
        f32_file(os.path.join(out, f"{name}.gradcam.bin"), upsample_and_scale(cam, size))
        f32_file(os.path.join(out, f"{name}.gradcampp.bin"), upsample_and_scale(campp, size))
        cases.append({
            "name": name, "kind": "cam", "arch": arch, "variant": variant, "notes": notes,
            "onnx": f"{name}.onnx", "input": "input2d.bin" if x.dim() == 4 else "input3d.bin",
            "inputDims": list(x.shape), "rank": x.dim(), "featureDims": fdims, "target": target,
            "gradcam": f"{name}.gradcam.bin", "gradcampp": f"{name}.gradcampp.bin",
            "headOps": head_ops, "opset": opset,
            "torchLogits": [float(v) for v in logits[0]],
            "exportedOps": sorted(set(ops_of(mdl))),
        })
        print(f"{name}: target {target}, features {fdims}, {os.path.getsize(path)} B", file=sys.stderr)

    def refuse_case(name, arch, variant, net, x, expect_found):
        path = os.path.join(out, f"{name}.onnx")
        mdl = export(net, x, path)
        cases.append({"name": name, "kind": "refuse", "arch": arch, "variant": variant, "onnx": f"{name}.onnx",
                      "input": "input2d.bin", "inputDims": list(x.shape), "expectFound": expect_found,
                      "exportedOps": sorted(set(ops_of(mdl)))})
        print(f"{name}: refusal case, {os.path.getsize(path)} B", file=sys.stderr)

    # ---- resnet18 (narrow, native torchvision forward): GlobalAveragePool -> Flatten -> Gemm(transB=1)
    rn = randomise(NarrowResNet(div=8, num_classes=NUM_CLASSES))
    rnd = copy.deepcopy(rn).double()
    with torch.no_grad():
        assert torch.allclose(rnd(x2.double()), resnet_head(rnd, resnet_features(rnd, x2.double())))
    cam_case("resnet18", "resnet18 (torchvision ResNet, BasicBlock [2,2,2,2], widths/8)", "native",
             rn, lambda x: resnet_features(rnd, x), lambda a: resnet_head(rnd, a), x2,
             ["GlobalAveragePool", "Flatten", "Gemm"])

    # ---- head variants on an even narrower resnet18 backbone (widths/16) to keep fixtures small
    rn = randomise(NarrowResNet(div=16, num_classes=NUM_CLASSES))
    rnd = copy.deepcopy(rn).double()
    variants = [
        ("resnet18_reducemean_matmul", head_reducemean_matmul_add, None, ["ReduceMean", "MatMul", "Add"],
         "x.mean((2,3)) @ W.T + b: ReduceMean(axes attribute, keepdims=0), MatMul + Add"),
        ("resnet18_squeeze_softmax", head_reducemean_keepdims_squeeze_softmax, logits_reducemean_keepdims_squeeze,
         ["ReduceMean", "Squeeze", "Squeeze", "Gemm", "Softmax"],
         "ReduceMean(keepdims=1) -> Squeeze x2 -> Gemm -> Softmax (output is probabilities; the reference "
         "differentiates the logit)"),
        ("resnet18_reshape", head_gap_reshape, None, ["GlobalAveragePool", "Reshape", "Gemm"],
         "GlobalAveragePool -> Reshape(N, -1) with a shape computed by Shape/Gather/Concat -> Gemm"),
    ]
    for name, head_fn, logits_fn, ops, notes in variants:
        w = Wrapper(rn, resnet_features, head_fn).eval()
        wd = Wrapper(rnd, resnet_features, logits_fn or head_fn).eval()
        cam_case(name, "resnet18 (narrow) + hand-written head", name.split("_", 1)[1], w,
                 wd.features, wd.head, x2, ops, notes=notes)

    # ReduceMean with axes as an input (opset 18) and Gemm transB=0: rewrite of an opset-13 export
    tmp = os.path.join(out, "_tmp.onnx")
    w = Wrapper(rn, resnet_features, lambda m, a: m.fc(a.mean(dim=(2, 3)))).eval()
    base = export(w, x2, tmp)
    os.remove(tmp)
    m18 = rewrite_opset18_reducemean_gemm_transb0(base)
    wd = Wrapper(rnd, resnet_features, lambda m, a: m.fc(a.mean(dim=(2, 3)))).eval()
    cam_case("resnet18_opset18_transb0", "resnet18 (narrow) + rewritten head", "opset18_transb0", None,
             wd.features, wd.head, x2, ["ReduceMean", "Gemm"], onnx_model=m18, opset=18,
             notes="opset 18 ReduceMean(data, axes input, keepdims=0) -> Gemm(transB=0, weight [K,C])")

    # Quantised heads: the torch reference gets exactly the dequantised weights.
    wkc = rn.fc.weight.detach().numpy().T.astype(np.float32)          # K x C
    wq, ws = quantise_per_column(wkc)
    w_deq = wq.astype(np.float32) * ws[None, :]
    b = rn.fc.bias.detach().numpy().astype(np.float32)
    bs8 = float(np.abs(b).max() / 127.0)
    bq8 = (np.clip(np.round(b / bs8), -127, 127) + 128).astype(np.uint8)
    b_deq8 = (bq8.astype(np.float32) - 128) * np.float32(bs8)
    # calibration of the activation scales on the input, like a post-training quantiser
    with torch.no_grad():
        a_cal = resnet_features(rn, x2)
        p_cal = torch.flatten(rn.avgpool(a_cal), 1)
        mm_cal = p_cal @ torch.from_numpy(w_deq)
        y_cal = mm_cal + torch.from_numpy(b_deq8)

    def asym(t):
        lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
        sc = (hi - lo) / 255.0
        return sc, int(round(-lo / sc))

    calib = {"a_scale": float(a_cal.max()) / 255.0, "p_scale": float(p_cal.max()) / 255.0,
             "pool_scale_s8": float(p_cal.abs().max()) / 127.0}
    calib["mm_scale"], calib["mm_zp"] = asym(mm_cal)
    calib["y_scale"], calib["y_zp"] = asym(y_cal)
    bs32 = (np.float32(calib["pool_scale_s8"]) * ws).astype(np.float32)   # QDQ bias: input scale x weight scale
    bq32 = np.round(b / bs32).astype(np.int32)
    b_deq32 = bq32.astype(np.float32) * bs32
    gap_export = export(rn, x2, os.path.join(out, "_tmp.onnx"))
    os.remove(os.path.join(out, "_tmp.onnx"))
    for name, mdl, bdeq, ops, notes in [
        ("resnet18_qdq", rewrite_qdq_head(gap_export, wq, ws, bq32, bs32, calib), b_deq32,
         ["GlobalAveragePool", "Flatten", "QuantizeLinear", "DequantizeLinear", "MatMul", "Add"],
         "QDQ: GAP -> Flatten -> Q -> DQ -> MatMul(DequantizeLinear(int8 W, per-column scale, axis=1)) -> Add(DequantizeLinear(int32 b))"),
        ("resnet18_qlinear", rewrite_qlinear_head(gap_export, wq, ws, bq8, bs8, calib), b_deq8,
         ["QuantizeLinear", "QLinearGlobalAveragePool", "Flatten", "QLinearMatMul", "QLinearAdd", "DequantizeLinear"],
         "A -> QuantizeLinear -> QLinearGlobalAveragePool -> Flatten -> QLinearMatMul -> QLinearAdd -> DequantizeLinear"),
    ]:
        q = copy.deepcopy(rnd)
        with torch.no_grad():
            q.fc.weight.copy_(torch.from_numpy(w_deq.T.copy()).double())
            q.fc.bias.copy_(torch.from_numpy(bdeq).double())
        cam_case(name, "resnet18 (narrow) + quantised head", name.split("_", 1)[1], None,
                 lambda x, q=q: resnet_features(q, x), lambda a, q=q: resnet_head(q, a), x2, ops,
                 onnx_model=mdl, notes=notes)

    # ---- efficientnet_b0 (narrow): GlobalAveragePool -> Flatten -> (Dropout) -> Gemm
    ef = randomise(narrow_efficientnet_b0(0.25, NUM_CLASSES))
    efd = copy.deepcopy(ef).double()
    with torch.no_grad():
        assert torch.allclose(efd(x2.double()), efficientnet_head(efd, efficientnet_features(efd, x2.double())))
    cam_case("efficientnet_b0", "efficientnet_b0 (torchvision EfficientNet, width_mult 0.25, depth 1.0)", "native",
             ef, lambda x: efficientnet_features(efd, x), lambda a: efficientnet_head(efd, a), x2,
             ["GlobalAveragePool", "Flatten", "Gemm"])

    # ---- densenet121 (narrow): Relu -> GlobalAveragePool -> Flatten -> Gemm (ReLU is part of A)
    dn = randomise(narrow_densenet121(NUM_CLASSES))
    dnd = copy.deepcopy(dn).double()
    with torch.no_grad():
        assert torch.allclose(dnd(x2.double()), densenet_head(dnd, densenet_features(dnd, x2.double())))
    cam_case("densenet121", "densenet121 (torchvision DenseNet, blocks (6,12,24,16), growth 4, init 8, bn_size 2)",
             "native", dn, lambda x: densenet_features(dnd, x), lambda a: densenet_head(dnd, a), x2,
             ["GlobalAveragePool", "Flatten", "Gemm"],
             notes="A = output of the ReLU that DenseNet.forward applies before pooling")

    # ---- r3d_18 (narrow, 5-D): GlobalAveragePool -> Flatten -> Gemm, and a ReduceMean + MatMul variant
    vr = randomise(NarrowVideoResNet(div=16, num_classes=NUM_CLASSES))
    vrd = copy.deepcopy(vr).double()
    with torch.no_grad():
        assert torch.allclose(vrd(x3.double()), resnet_head(vrd, video_features(vrd, x3.double())))
    cam_case("r3d_18", "r3d_18 (torchvision VideoResNet, BasicBlock, Conv3DSimple, [2,2,2,2], widths/16)", "native",
             vr, lambda x: video_features(vrd, x), lambda a: resnet_head(vrd, a), x3,
             ["GlobalAveragePool", "Flatten", "Gemm"])
    w = Wrapper(vr, video_features, head_video_reducemean_matmul).eval()
    wd = Wrapper(vrd, video_features, head_video_reducemean_matmul).eval()
    cam_case("r3d_18_reducemean_matmul", "r3d_18 (narrow) + hand-written head", "reducemean_matmul", w,
             wd.features, wd.head, x3, ["ReduceMean", "MatMul", "Add"],
             notes="x.mean((2,3,4)) @ W.T + b: 5-D ReduceMean, MatMul + Add")

    # ---- refusals
    mv = randomise(narrow_mobilenet_v3_small(NUM_CLASSES))
    refuse_case("mobilenet_v3_small", "mobilenet_v3_small (torchvision, width_mult 0.25)", "native: two linear layers",
                mv, x2, ["Gemm", "Mul"])
    for head in ["flatten_gemm", "two_linear", "relu_between", "partial_mean"]:
        net = TinyConv(head).eval()
        expect = {
            "flatten_gemm": ["Gemm", "Flatten", "Relu"],
            "two_linear": ["Gemm", "Gemm"],
            "relu_between": ["Gemm", "Relu"],
            "partial_mean": ["Gemm", "Flatten", "ReduceMean"],
        }[head]
        refuse_case(f"refuse_{head}", "tiny conv", head, net, torch.randn(1, 3, 16, 16), expect)

    # ---- synthetic heads (exact W / b expectations)
    syn, bb = synthetic_cases(np.random.default_rng(SEED))
    for d in bb.values():
        f32_file(os.path.join(out, d["input"]), d["x"])
    for name, m, meta in syn:
        onnx.save(m, os.path.join(out, f"{name}.onnx"))
        cases.append({"name": name, "kind": "synthetic", "arch": "tiny conv + hand-built head", "variant": name[4:],
                      "onnx": f"{name}.onnx", **meta})

    # ---- resampler reference values
    ups = []
    for shape, size in [((3, 3), (24, 20)), ((2, 5), (7, 11)), ((5, 4), (3, 2)), ((1, 1), (4, 3)), ((4, 6), (4, 6))]:
        m = torch.randn(*shape, dtype=torch.float64)
        u = F.interpolate(m[None, None], size=size, mode="bilinear", align_corners=False)[0, 0]
        ups.append({"in": list(shape), "out": list(size), "x": m.flatten().tolist(), "y": u.flatten().tolist()})
    for shape, size in [((2, 3, 3), (8, 10, 9)), ((3, 2, 4), (5, 7, 6)), ((4, 5, 3), (2, 3, 2))]:
        m = torch.randn(*shape, dtype=torch.float64)
        u = F.interpolate(m[None, None], size=size, mode="trilinear", align_corners=False)[0, 0]
        ups.append({"in": list(shape), "out": list(size), "x": m.flatten().tolist(), "y": u.flatten().tolist()})
    with open(os.path.join(out, "upsample.json"), "w") as f:
        json.dump(ups, f)

    manifest = {
        "generator": "tools/graph/export_cam_models.py",
        "torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__,
        "seed": SEED, "cases": cases,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(out, p)) for p in os.listdir(out))
    print(f"wrote {len(cases)} cases, {total} bytes in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
