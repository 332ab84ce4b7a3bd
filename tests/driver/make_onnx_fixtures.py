#!/usr/bin/python3
"""Writes the small ONNX files of diagnostics.txt's `netc import` lines
(run it in tests/driver/ after changing it; needs python3-onnx):

  small.onnx        a valid model: Conv, Relu, Flatten, Gemm
  truncated.onnx    small.onnx cut in the middle of its weights
  garbage.onnx      bytes protobuf cannot parse
  empty.onnx        no bytes at all
  unsupported.onnx  a Cos node, an op netc import does not translate
  sub.onnx          Sub of two tensors, which netc has no op for
  symbolic.onnx     an input whose feature axis has no fixed size
  passthrough.onnx  a graph whose output is its input
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path):
    model = helper.make_model(graph, producer_name="netc-tests",
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.save(model, path)


def small():
    weight = numpy_helper.from_array(
        np.arange(8 * 3 * 3 * 3, dtype=np.float32).reshape(8, 3, 3, 3),
        "conv.weight")
    fc = numpy_helper.from_array(np.ones((10, 8 * 8 * 8), np.float32), "fc.weight")
    bias = numpy_helper.from_array(np.zeros(10, np.float32), "fc.bias")
    nodes = [
        helper.make_node("Conv", ["image", "conv.weight"], ["c"], name="/conv/Conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="/relu/Relu"),
        helper.make_node("Flatten", ["r"], ["f"], name="/Flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"],
                         name="/fc/Gemm", transB=1),
    ]
    return helper.make_graph(
        nodes, "small",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        [weight, fc, bias])


def one_node(op, inputs, name, shape=(1, 4)):
    return helper.make_graph(
        [helper.make_node(op, inputs, ["y"], name=name)], op.lower(),
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))])


save(small(), "small.onnx")
data = open("small.onnx", "rb").read()
open("truncated.onnx", "wb").write(data[: len(data) // 2])
open("garbage.onnx", "wb").write(b"hello, this is not an ONNX model\n")
open("empty.onnx", "wb").write(b"")
save(one_node("Cos", ["x"], "/head/Cos"), "unsupported.onnx")
save(one_node("Sub", ["x", "x"], "/diff/Sub"), "sub.onnx")
save(one_node("Relu", ["x"], "/relu/Relu", shape=(1, "features")), "symbolic.onnx")
passthrough = one_node("Relu", ["x"], "/relu/Relu")
passthrough.output[0].name = "x"
save(passthrough, "passthrough.onnx")
