console.log('itk-infer: not implemented yet');
